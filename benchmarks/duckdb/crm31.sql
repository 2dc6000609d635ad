-- benchmarks/crm31/config.json in SQL, for the end-to-end comparison with
-- DuckDB (score.mjs, scripts/bench-duckdb, docs/benchmarks.md).
--
-- Reads a relation `leads` (id, the 12 text attributes as written in the
-- export, the 3 numeric attributes as DOUBLE; placeholders already NULL) and
-- gives id, stage, fit and total for each lead: the 31 fit rules as CASE WHEN
-- terms, the fit clamped to [0, 100] (the total is the fit: the
-- configuration has no engagement rules), then the stages, SQL before MQL,
-- else the fallback "lead". Text is compared in lower case, as leadscore
-- compares it (case-insensitive by default); NULL (missing) never matches.
WITH lowered AS (
  SELECT id,
         lower(lifecycle_stage) AS lifecycle_stage,
         lower(lead_status) AS lead_status,
         lower(industry) AS industry,
         lower(country) AS country,
         lower(job_function) AS job_function,
         lower(seniority) AS seniority,
         lower(company_type) AS company_type,
         lower(lead_source) AS lead_source,
         lower(language) AS language,
         lower(current_crm) AS current_crm,
         lower(buying_role) AS buying_role,
         lower(plan_interest) AS plan_interest,
         employees,
         annual_revenue,
         web_visits
  FROM leads
),
scored AS (
  SELECT id,
         buying_role,
         greatest(0, least(100,
             CASE WHEN lifecycle_stage IN ('marketing qualified lead', 'sales qualified lead') THEN 10 ELSE 0 END
           + CASE WHEN lifecycle_stage = 'opportunity' THEN 15 ELSE 0 END
           + CASE WHEN lifecycle_stage = 'customer' THEN -20 ELSE 0 END
           + CASE WHEN lead_status IN ('connected', 'in progress', 'open deal') THEN 8 ELSE 0 END
           + CASE WHEN lead_status = 'unqualified' THEN -25 ELSE 0 END
           + CASE WHEN lead_status = 'bad timing' THEN -5 ELSE 0 END
           + CASE WHEN industry IN ('computer software', 'internet', 'information technology and services') THEN 15 ELSE 0 END
           + CASE WHEN industry IN ('financial services', 'management consulting', 'telecommunications', 'marketing and advertising') THEN 8 ELSE 0 END
           + CASE WHEN industry IN ('higher education', 'government administration', 'non-profit organization management') THEN -10 ELSE 0 END
           + CASE WHEN country IN ('united states', 'canada', 'united kingdom', 'ireland', 'australia') THEN 10 ELSE 0 END
           + CASE WHEN country IN ('germany', 'france', 'netherlands', 'spain', 'italy', 'sweden') THEN 6 ELSE 0 END
           + CASE WHEN job_function IN ('marketing', 'sales') THEN 10 ELSE 0 END
           + CASE WHEN job_function IN ('engineering', 'information technology') THEN 4 ELSE 0 END
           + CASE WHEN seniority IN ('c-level', 'vp', 'owner') THEN 15 ELSE 0 END
           + CASE WHEN seniority = 'director' THEN 10 ELSE 0 END
           + CASE WHEN seniority = 'intern' THEN -15 ELSE 0 END
           + CASE WHEN company_type = 'competitor' THEN -40 ELSE 0 END
           + CASE WHEN company_type IN ('partner', 'reseller') THEN 5 ELSE 0 END
           + CASE WHEN lead_source IN ('referrals', 'events', 'direct traffic') THEN 8 ELSE 0 END
           + CASE WHEN lead_source = 'paid search' THEN 3 ELSE 0 END
           + CASE WHEN language IN ('english', 'german', 'french') THEN 2 ELSE 0 END
           + CASE WHEN current_crm IN ('salesforce', 'hubspot', 'pipedrive') THEN 6 ELSE 0 END
           + CASE WHEN current_crm IN ('none', 'spreadsheets') THEN 4 ELSE 0 END
           + CASE WHEN buying_role IN ('decision maker', 'budget holder') THEN 12 ELSE 0 END
           + CASE WHEN buying_role = 'champion' THEN 6 ELSE 0 END
           + CASE WHEN plan_interest = 'enterprise' THEN 8 ELSE 0 END
           + CASE WHEN employees BETWEEN 50 AND 999 THEN 10 ELSE 0 END
           + CASE WHEN employees BETWEEN 1000 AND 9999 THEN 15 ELSE 0 END
           + CASE WHEN employees < 10 THEN -10 ELSE 0 END
           + CASE WHEN annual_revenue >= 10000000 THEN 10 ELSE 0 END
           + CASE WHEN web_visits >= 20 THEN 6 ELSE 0 END
         )) AS fit
  FROM lowered
)
SELECT id,
       CASE WHEN fit >= 60 AND buying_role IN ('decision maker', 'budget holder', 'champion') THEN 'SQL'
            WHEN fit >= 35 THEN 'MQL'
            ELSE 'lead'
       END AS stage,
       fit,
       fit AS total
FROM scored
