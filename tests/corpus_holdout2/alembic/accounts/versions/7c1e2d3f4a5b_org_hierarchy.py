"""organization hierarchy and follower tables

Revision ID: 7c1e2d3f4a5b
Revises: 6b0d1c2e3f4a
"""
import sqlalchemy as sa
from alembic import op

revision = "7c1e2d3f4a5b"
down_revision = "6b0d1c2e3f4a"


def upgrade():
    op.add_column("organization", sa.Column("parent_id", sa.Text, sa.ForeignKey("organization.id")), schema="public")
    op.create_table(
        "user_following_dataset",
        sa.Column("follower_id", sa.Text, sa.ForeignKey("public.user_account.id"), nullable=False),
        sa.Column("object_id", sa.Text, sa.ForeignKey("public.package.id", ondelete="CASCADE"), nullable=False),
        sa.Column("datetime", sa.DateTime, nullable=False),
        schema="accounts",
    )
    op.create_foreign_key(
        "member_group_fk", "member", "organization", ["group_id"], ["id"],
        source_schema="public", referent_schema="public",
    )
    op.create_index("ix_package_owner_org", "package", ["owner_org"], schema="public")
    op.execute(
        """
        INSERT INTO accounts.user_following_dataset (follower_id, object_id, datetime)
        SELECT user_id, package_id, created FROM public.package_follower
        """
    )
    op.execute("UPDATE public.package SET owner_org = NULL WHERE owner_org NOT IN (SELECT id FROM organization)")
    op.drop_table("package_follower", schema="public")
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, name FROM public.tag WHERE vocabulary_id IS NULL")).fetchall()
    for tag_id, name in rows:
        conn.execute(sa.text("INSERT INTO accounts.tag_subscription (tag_id, name) VALUES (:i, :n)"), {"i": tag_id, "n": name})


def downgrade():
    op.drop_constraint("member_group_fk", "member", schema="public", type_="foreignkey")
    op.drop_index("ix_package_owner_org", table_name="package", schema="public")
    op.drop_table("user_following_dataset", schema="accounts")
    op.drop_column("organization", "parent_id", schema="public")


# expect: 18 BND102 public.package
# expect: 26 BND103 public.package
# expect: 30 BND104 public.package_follower
# expect: 33 BND101 public.package
# expect: 34 BND104 public.package_follower
# expect: 36 BND100 public.tag
# expect: 43 BND103 public.package
