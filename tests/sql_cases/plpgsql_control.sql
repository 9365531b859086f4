CREATE OR REPLACE FUNCTION order_service.drain(p int) RETURNS SETOF public.strategy AS $$
DECLARE
  r record;
  n int := 0;
  c CURSOR FOR SELECT * FROM public.cursor_src;
BEGIN
  <<outer>>
  WHILE (SELECT count(*) FROM public.queue) > 0 LOOP
    DELETE FROM public.queue WHERE id = (SELECT min(id) FROM public.queue);
  END LOOP;
  IF p = 1 THEN
    RETURN QUERY SELECT * FROM public.strategy;
  ELSIF EXISTS (SELECT 1 FROM public.flags WHERE on_) THEN
    UPDATE public.a SET x = 1;
  ELSE
    INSERT INTO public.b SELECT * FROM public.c;
  END IF;
  CASE p WHEN 1 THEN DELETE FROM public.d; ELSE NULL; END CASE;
  FOR r IN SELECT * FROM public.e LOOP
    RETURN NEXT r;
  END LOOP;
  n := (SELECT max(id) FROM public.g);
  PERFORM 1 FROM public.h WHERE id = n;
  GET DIAGNOSTICS n = ROW_COUNT;
  RAISE EXCEPTION 'no rows in public.not_a_table';
  EXECUTE format('TRUNCATE %I', 'public.not_either');
EXCEPTION WHEN others THEN
  INSERT INTO public.errors (m) VALUES (SQLERRM);
END
$$ LANGUAGE plpgsql;
