from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [("harvest", "0006_object_report_status")]

    operations = [
        migrations.RunSQL(
            sql="""
                ALTER TABLE harvest_object
                    ADD CONSTRAINT harvest_object_package_fk
                    FOREIGN KEY (package_id) REFERENCES package (id) DEFERRABLE INITIALLY DEFERRED;
            """,
            reverse_sql="ALTER TABLE harvest_object DROP CONSTRAINT harvest_object_package_fk;",
        ),
        migrations.RunSQL(
            [
                ("UPDATE harvest_source s SET owner_org = m.group_id FROM public.member m WHERE m.user_id = s.user_id", None),
                "UPDATE public.package SET state = 'active' WHERE state = 'harvest_pending'",
            ],
            migrations.RunSQL.noop,
        ),
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS package_harvest_idx ON public.package ((extras->>'harvest_object_id'))",
            "DROP INDEX IF EXISTS package_harvest_idx",
        ),
        migrations.RunSQL("COMMENT ON TABLE public.harvest_source IS 'where datasets come from'"),
        migrations.RunSQL("COMMENT ON COLUMN public.resource.harvest_url IS 'original URL at the source'"),
    ]


# expect: 13 BND102 public.package
# expect: 19 BND100 public.member
# expect: 20 BND101 public.package
# expect: 25 BND103 public.package
# expect: 29 BND103 public.resource
