#!/usr/bin/env python3
"""Input files for measuring `leadscore score` throughput (docs/benchmarks.md).

    python3 benchmarks/make_cli_input.py --records 1000000 --out /tmp/cli-bench

writes, from one fixed seed (the same bytes on every run and machine):

  leads.jsonl     one lead per line in the lead format (docs/lead-format.md):
                  contact, company, job, location, origin, source, created_at,
                  sometimes consent, discovery and attributes, and 0-12
                  events with properties; about 820 bytes a line on average
  leads.csv       the same leads as a CRM export: one row per lead, the
                  events summarised as counts and last dates per type
  leads.map.json  the mapping of leads.csv (docs/cli.md#mapping)

Only the Python standard library is used.
"""
import argparse
import csv
import datetime
import json
import os
import random

AS_OF = datetime.datetime(2026, 11, 22, tzinfo=datetime.timezone.utc)

FIRST = ["Ada", "Grace", "Linus", "Marie", "Alan", "Maya", "Claire", "Jean", "Sofia", "Noah",
         "Léa", "Zoë", "Ola", "Wei", "Priya"]
LAST = ["Lovelace", "Hopper", "Torvalds", "Curie", "Turing", "Chen", "Dubois", "Martin",
        "Rossi", "Nowak", "García", "Kim"]
COMPANIES = [("Acme", "acme.io"), ("Initech", "initech.com"), ("Globex", "globex.net"),
             ("Brightpath", "brightpath.app"), ("Lefevre Logistique", "lefevre-logistique.fr"),
             ("Umbrella", "umbrella.co"), ("Hooli", "hooli.xyz"), ("Stark", "stark.industries")]
FREE_MAIL = ["gmail.com", "yahoo.fr", "outlook.com"]
INDUSTRIES = ["software", "SaaS", "consulting", "retail", "Marketing", "logistics", "finance",
              "agriculture"]
TITLES = ["CEO", "Chief Marketing Officer", "Marketing Manager", "Senior Engineer", "Student",
          "Head of Growth", "VP Sales", "Director of IT", "Intern", "Analyst", "Co-Founder",
          "Team Lead", "Principal Consultant", "CTO & Co-founder", "Head of Operations"]
SENIORITY = ["c_level", "vp", "director", "manager", "individual"]
DEPARTMENTS = ["marketing", "sales", "engineering", "operations", "finance"]
PLACES = [("FR", "Ile-de-France", "Paris"), ("FR", "Auvergne-Rhone-Alpes", "Lyon"),
          ("US", "Massachusetts", "Boston"), ("DE", "Berlin", "Berlin"),
          ("GB", "England", "London")]
SOURCES = ["web_form", "newsletter", "paid_ads", "purchased_list", "cold_email", "referral",
           "trade_show", "content_download", "webinar"]
EVENT_TYPES = ["page_view", "page_view", "page_view", "form_submit", "email_open", "email_open",
               "email_click", "content_download", "newsletter_signup", "webinar_attended",
               "demo_request", "contact_sales", "trial_signup", "product_usage",
               "product_usage", "paid_feature_inquiry", "meeting_booked", "unsubscribe"]
URLS = ["/pricing", "/blog/lean-warehouse-audit", "/docs/getting-started", "/PRICING/plans",
        "/features/dashboards", "/customers"]
CSV_EVENTS = ["page_view", "email_open", "email_click", "form_submit", "demo_request",
              "trial_signup", "product_usage"]


def instant(t):
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def make_lead(rng, i):
    lead = {"id": f"L-{i:07d}"}
    first, last = rng.choice(FIRST), rng.choice(LAST)
    company, domain = rng.choice(COMPANIES)
    contact = {"first_name": first}
    if rng.random() < 0.8:
        contact["last_name"] = last
    mail_domain = rng.choice(FREE_MAIL) if rng.random() < 0.25 else domain
    contact["email"] = f"{first.lower()}.{last.lower()}{i % 97}@{mail_domain}"
    if rng.random() < 0.4:
        contact["phone"] = f"+33 1 {rng.randrange(10, 99)} {rng.randrange(10, 99)} 45 80"
    lead["contact"] = contact
    comp = {"name": company}
    if rng.random() < 0.7:
        comp["domain"] = domain
    if rng.random() < 0.8:
        comp["industry"] = rng.choice(INDUSTRIES)
    if rng.random() < 0.75:
        comp["employees"] = rng.choice([3, 12, 18, 49, 60, 220, 800, 5000, 20000])
    if rng.random() < 0.25:
        comp["annual_revenue"] = rng.choice([250000, 2.5e6, 1.2e7, 1e9])
    lead["company"] = comp
    if rng.random() < 0.85:
        lead["job_title"] = rng.choice(TITLES)
    if rng.random() < 0.4:
        lead["seniority"] = rng.choice(SENIORITY)
    if rng.random() < 0.4:
        lead["department"] = rng.choice(DEPARTMENTS)
    if rng.random() < 0.7:
        country, region, city = rng.choice(PLACES)
        lead["location"] = {"country": country, "region": region, "city": city}
    lead["origin"] = rng.choice(["inbound", "inbound", "outbound"])
    if rng.random() < 0.8:
        lead["source"] = rng.choice(SOURCES)
    created = AS_OF - datetime.timedelta(minutes=rng.randrange(1, 200 * 24 * 60))
    lead["created_at"] = instant(created)
    if rng.random() < 0.1:
        lead["consent"] = {"do_not_email": rng.random() < 0.5}
    if rng.random() < 0.2:
        lead["discovery"] = {"budget": rng.choice([50000, 120000]), "timeline": "Q3"}
    if rng.random() < 0.3:
        lead["attributes"] = {"plan": rng.choice(["trial", "free", "pro"]),
                              "lead_score": rng.choice([0, 10, 55, 99])}
    events = []
    for _ in range(rng.randrange(0, 13)):
        kind = rng.choice(EVENT_TYPES)
        at = AS_OF - datetime.timedelta(minutes=rng.randrange(1, 120 * 24 * 60))
        event = {"type": kind, "at": instant(at)}
        if kind == "page_view":
            event["properties"] = {"url": rng.choice(URLS)}
        elif kind == "product_usage":
            event["properties"] = {"feature": rng.choice(["export", "sso", "dashboards"]),
                                   "duration": rng.choice([5, 12.5, 30, 60])}
        elif kind in ("email_open", "email_click"):
            event["properties"] = {"campaign": f"nl-2026-{rng.randrange(1, 12):02d}"}
        events.append(event)
    if events:
        lead["events"] = events
    return lead


def csv_row(lead):
    c, comp, loc = lead["contact"], lead["company"], lead.get("location", {})
    row = [lead["id"], c.get("first_name", ""), c.get("last_name", ""), c.get("email", ""),
           c.get("phone", ""), comp.get("name", ""), comp.get("domain", ""),
           comp.get("industry", ""), comp.get("employees", ""), comp.get("annual_revenue", ""),
           lead.get("job_title", ""), lead.get("seniority", ""), lead.get("department", ""),
           loc.get("country", ""), loc.get("region", ""), loc.get("city", ""), lead["origin"],
           lead.get("source", ""), lead["created_at"],
           lead.get("attributes", {}).get("plan", "")]
    for kind in CSV_EVENTS:
        ats = [e["at"] for e in lead.get("events", []) if e["type"] == kind]
        row += [len(ats) if ats else "", max(ats) if ats else ""]
    return row


def csv_header():
    header = ["id", "First Name", "Last Name", "Email", "Phone", "Company", "Website",
              "Industry", "Employees", "Annual Revenue", "Title", "Seniority", "Department",
              "Country", "Region", "City", "Origin", "Lead Source", "Created", "Plan"]
    for kind in CSV_EVENTS:
        header += [f"{kind} count", f"last {kind}"]
    return header


def mapping():
    fields = {"contact.first_name": "First Name", "contact.last_name": "Last Name",
              "contact.email": "Email", "contact.phone": "Phone", "company.name": "Company",
              "company.domain": "Website", "company.industry": "Industry",
              "company.employees": "Employees", "company.annual_revenue": "Annual Revenue",
              "job_title": "Title", "seniority": "Seniority", "department": "Department",
              "location.country": "Country", "location.region": "Region",
              "location.city": "City", "origin": "Origin", "source": "Lead Source",
              "created_at": "Created"}
    events = [{"type": k, "count": f"{k} count", "at": f"last {k}"} for k in CSV_EVENTS]
    return {"description": "make_cli_input.py CRM-style export", "id": "id",
            "fields": fields, "attributes": {"plan": "Plan"}, "events": events}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20261122)
    parser.add_argument("--out", default=".")
    parser.add_argument("--no-csv", action="store_true", help="write leads.jsonl only")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(args.seed)
    jsonl = open(os.path.join(args.out, "leads.jsonl"), "w", encoding="utf-8", newline="\n")
    writer = None
    if not args.no_csv:
        csv_file = open(os.path.join(args.out, "leads.csv"), "w", encoding="utf-8", newline="")
        writer = csv.writer(csv_file, lineterminator="\n")
        writer.writerow(csv_header())
        with open(os.path.join(args.out, "leads.map.json"), "w", encoding="utf-8") as m:
            json.dump(mapping(), m, indent=2, ensure_ascii=False)
            m.write("\n")
    for i in range(1, args.records + 1):
        lead = make_lead(rng, i)
        jsonl.write(json.dumps(lead, ensure_ascii=False, separators=(",", ":")))
        jsonl.write("\n")
        if writer:
            writer.writerow(csv_row(lead))
    jsonl.close()
    if writer:
        csv_file.close()


if __name__ == "__main__":
    main()
