-- pgTAP tests of the accounts schema; run with pg_prove.
BEGIN;
SELECT plan(9);

SELECT has_table('accounts', 'login_attempt', 'login attempts are recorded');
SELECT has_column('public', 'user_account', 'sysadmin', 'sysadmin flag exists');

SELECT results_eq(
    $q$SELECT count(*)::int FROM public.member WHERE state = 'active'$q$,
    $q$VALUES (3)$q$,
    'three active memberships in the fixture'
);

SELECT is_empty(
    $q$SELECT m.id FROM public.member m LEFT JOIN public.package p ON p.owner_org = m.group_id WHERE p.id IS NULL AND m.capacity = 'editor'$q$,
    'every editor belongs to an organization with datasets'
);

SELECT lives_ok(
    $$INSERT INTO accounts.login_attempt (user_id, ok) VALUES ('u1', true)$$,
    'a login attempt can be stored'
);

SELECT throws_ok(
    $$DELETE FROM catalog.activity WHERE user_id = 'u1'$$,
    '42501',
    NULL,
    'accounts may not delete catalog activity'
);

SELECT results_eq(
    'SELECT name FROM public.user_account WHERE sysadmin ORDER BY name',
    ARRAY['admin'],
    'one sysadmin'
);

SELECT * FROM crosstab(
    'SELECT o.name, m.capacity, count(*)::int FROM public.organization o JOIN public.member m ON m.group_id = o.id GROUP BY 1, 2 ORDER BY 1, 2',
    'SELECT DISTINCT capacity FROM public.member ORDER BY 1'
) AS ct(org text, admin int, editor int, member int);

SELECT * FROM crosstab(
    'SELECT p.owner_org, p.state, count(*) FROM public.package p GROUP BY 1, 2 ORDER BY 1'
) AS ct(org text, active bigint, draft bigint);

SELECT is_empty(
    $q$SELECT h.id FROM public.harvest_source h WHERE h.user_id NOT IN (SELECT id FROM public.user_account)$q$,
    'no orphan harvest sources'
);

SELECT * FROM finish();
ROLLBACK;

-- expect: 15 BND100 public.package
-- expect: 25 BND101 catalog.activity
-- expect: 43 BND100 public.package
-- expect: 47 BND100 public.harvest_source
