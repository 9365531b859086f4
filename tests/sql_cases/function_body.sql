CREATE OR REPLACE FUNCTION order_service.sync_portfolio(p_user uuid)
RETURNS integer
LANGUAGE plpgsql
AS $fn$
DECLARE
    v_count integer;
    v_id    bigint;
BEGIN
    SELECT count(*) INTO STRICT v_count
      FROM public.portfolio pf
     WHERE pf.user_id = p_user;

    INSERT INTO order_service.portfolio_cache (user_id, n)
    VALUES (p_user, v_count)
    ON CONFLICT (user_id) DO UPDATE SET n = EXCLUDED.n
    RETURNING id INTO v_id;

    FOR r IN SELECT s.id FROM public.strategy s WHERE s.owner = p_user LOOP
        UPDATE public.strategy_portfolio SET synced = now() WHERE strategy_id = r.id;
    END LOOP;

    PERFORM pg_notify('sync', p_user::text);
    EXECUTE 'DELETE FROM public.audit WHERE user_id = $1' USING p_user;
    v_count := (SELECT max(n) FROM order_service.portfolio_cache);
    RETURN v_count;
END;
$fn$;
