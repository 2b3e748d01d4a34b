"""Cluster membership is granted by operators: firms that exist before this migration were
put in the directory by operators or imports, so they are approved; new firms start pending."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('directory', '0006_contact_phone_validator'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='enterprise',
            name='cluster_request_note',
            field=models.CharField(blank=True, help_text='What the firm told the operators when it asked to join the cluster.', max_length=500, verbose_name='note to the operators'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='cluster_review_reason',
            field=models.CharField(blank=True, help_text='Why the membership was rejected, shown to the firm.', max_length=500, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='cluster_reviewed_at',
            field=models.DateTimeField(blank=True, help_text="When an operator approved or rejected the firm's membership.", null=True, verbose_name='reviewed'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='cluster_reviewed_by',
            field=models.ForeignKey(blank=True, help_text="The operator who approved or rejected the firm's membership.", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AddField(
            model_name='enterprise',
            name='cluster_status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected')], db_index=True, default='approved', help_text="Whether the cluster's operators approved the firm; only approved firms are listed and take part in match runs, events and pools.", max_length=10, verbose_name='membership status'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='cluster_request_note',
            field=models.CharField(blank=True, help_text='What the firm told the operators when it asked to join the cluster.', max_length=500, verbose_name='note to the operators'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='cluster_review_reason',
            field=models.CharField(blank=True, help_text='Why the membership was rejected, shown to the firm.', max_length=500, verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='cluster_reviewed_at',
            field=models.DateTimeField(blank=True, help_text="When an operator approved or rejected the firm's membership.", null=True, verbose_name='reviewed'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='cluster_reviewed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text="The operator who approved or rejected the firm's membership.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='reviewed by'),
        ),
        migrations.AddField(
            model_name='historicalenterprise',
            name='cluster_status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected')], db_index=True, default='approved', help_text="Whether the cluster's operators approved the firm; only approved firms are listed and take part in match runs, events and pools.", max_length=10, verbose_name='membership status'),
        ),
        migrations.AlterField(
            model_name='enterprise',
            name='cluster_status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected')], db_index=True, default='pending', help_text="Whether the cluster's operators approved the firm; only approved firms are listed and take part in match runs, events and pools.", max_length=10, verbose_name='membership status'),
        ),
        migrations.AlterField(
            model_name='historicalenterprise',
            name='cluster_status',
            field=models.CharField(choices=[('pending', 'Awaiting approval'), ('approved', 'Approved'), ('rejected', 'Rejected')], db_index=True, default='pending', help_text="Whether the cluster's operators approved the firm; only approved firms are listed and take part in match runs, events and pools.", max_length=10, verbose_name='membership status'),
        ),
    ]
