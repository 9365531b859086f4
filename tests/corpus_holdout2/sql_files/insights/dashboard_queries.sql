-- Saved dashboard queries of the insights tool, one per tile.
-- The tool runs each block on its own, so nobody wrote the semicolons.

-- tile: datasets per month
WITH monthly AS (
    SELECT date_trunc('month', metadata_created) AS month, count(*) AS n
      FROM public.package
     WHERE state = 'active'
     GROUP BY 1
)
SELECT month, n, sum(n) OVER (ORDER BY month) AS total
  FROM monthly
 ORDER BY month

-- tile: most active publishers
WITH activity AS (
    SELECT a.user_id, count(*) AS actions
      FROM catalog.activity a
     WHERE a.timestamp > now() - interval '30 days'
     GROUP BY a.user_id
), ranked AS (
    SELECT user_id, actions, rank() OVER (ORDER BY actions DESC) AS r
      FROM activity
)
SELECT u.name, ranked.actions
  FROM ranked
  JOIN public.user_account u ON u.id = ranked.user_id
 WHERE ranked.r <= 10

-- tile: harvest health
WITH last_run AS (
    SELECT DISTINCT ON (source_id) source_id, status, finished_at
      FROM harvest.job
     ORDER BY source_id, finished_at DESC
)
SELECT s.title, last_run.status, last_run.finished_at
  FROM public.harvest_source s
  LEFT JOIN last_run ON last_run.source_id = s.id

-- tile: resource formats
SELECT lower(r.format) AS format, count(*) AS n
  FROM resource r
  JOIN package p ON p.id = r.package_id
 WHERE p.private = false
 GROUP BY 1
 ORDER BY n DESC
 LIMIT 15

-- tile: organization sizes
WITH RECURSIVE tree AS (
    SELECT id, parent_id, title FROM public.organization WHERE parent_id IS NULL
    UNION ALL
    SELECT o.id, o.parent_id, o.title FROM public.organization o JOIN tree t ON o.parent_id = t.id
)
SELECT tree.title, count(p.id)
  FROM tree
  LEFT JOIN package p ON p.owner_org = tree.id
 GROUP BY tree.title

-- tile: queue backlog
WITH waiting AS (SELECT queue_name, count(*) AS n FROM jobs.job WHERE status = 'todo' GROUP BY 1)
SELECT * FROM waiting ORDER BY n DESC

-- tile: views per dataset (own table)
SELECT v.package_id, count(*) FROM insights.page_view v GROUP BY 1

-- expect: 18 BND100 catalog.activity
-- expect: 27 BND100 public.user_account
-- expect: 33 BND100 harvest.job
-- expect: 37 BND100 public.harvest_source
-- expect: 51 BND100 public.organization
-- expect: 61 BND100 jobs.job
