from django.conf import settings
from django.contrib import admin

admin.site.site_header = f"{settings.PORTAL_NAME} · 管理后台"
admin.site.site_title = f"{settings.PORTAL_NAME}管理后台"
admin.site.index_title = "各部门公开工作"
