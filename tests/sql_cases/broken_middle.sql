INSERT INTO public.portfolio (id) VALUES (1);
SELECT * FROM public.strategy WHERE id = :1;
DELETE FROM order_service.orders WHERE id = 2;
