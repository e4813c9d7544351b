"""通知渠道: a county admin's page of their channels (企业微信/钉钉 group robots, SMS gateways), each
with its recent deliveries and a 发送测试消息 button. Admins only, their own county's channels."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.views import View
from django.views.generic import FormView, TemplateView

from unionportal.core.forms import add_service_errors
from unionportal.core.masking import mask_secret, mask_url

from ..permissions import AdminRequiredMixin
from . import selectors, services
from .forms import ChannelForm, ChannelTestForm
from .models import ChannelSetting


class ChannelScopedMixin:
    def get_channel(self) -> ChannelSetting:
        if not hasattr(self, "_channel"):
            try:
                self._channel = selectors.channel_detail(user=self.request.user, pk=self.kwargs["pk"])
            except ChannelSetting.DoesNotExist:
                raise Http404("没有找到该通知渠道") from None
        return self._channel


class ChannelListView(AdminRequiredMixin, TemplateView):
    template_name = "officers/channel_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        channels = list(selectors.channel_list(user=self.request.user))
        for channel in channels:
            channel.counts = selectors.delivery_counts(channel=channel)
        context["channels"] = channels
        return context


class ChannelFormView(AdminRequiredMixin, FormView):
    form_class = ChannelForm
    template_name = "officers/channel_form.html"
    channel = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.channel
        return kwargs

    def get_context_data(self, **kwargs):
        return super().get_context_data(channel=self.channel, **kwargs)

    def form_valid(self, form):
        county = self.channel.county if self.channel else self.request.user.county
        if county is None:
            raise PermissionDenied("请使用县区管理员账号配置本县区的通知渠道")
        try:
            channel = services.channel_save(
                actor=self.request.user,
                county=county,
                channel=self.channel,
                data=form.settings_data(),
                request=self.request,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"已保存通知渠道“{channel.name}”")
        return redirect("officers:channel", pk=channel.pk)


class ChannelCreateView(ChannelFormView):
    pass


class ChannelUpdateView(ChannelScopedMixin, ChannelFormView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_portal_admin:
            self.channel = self.get_channel()
        return super().dispatch(request, *args, **kwargs)


class ChannelDetailView(AdminRequiredMixin, ChannelScopedMixin, TemplateView):
    """The channel's settings (secrets masked), its deliveries by state and the latest ones."""

    template_name = "officers/channel_detail.html"

    def get_context_data(self, **kwargs):
        channel = self.get_channel()
        return super().get_context_data(
            channel=channel,
            masked={
                "webhook_url": mask_url(channel.webhook_url),
                "key_id": mask_secret(channel.key_id),
                "secret": mask_secret(channel.secret),
            },
            counts=selectors.delivery_counts(channel=channel),
            recent=selectors.recent_messages(channel=channel),
            test_form=kwargs.pop("test_form", None) or ChannelTestForm(),
            **kwargs,
        )


class ChannelTestView(AdminRequiredMixin, ChannelScopedMixin, View):
    """发送测试消息: sends now through the channel's backend and shows the gateway's answer."""

    def post(self, request, pk):
        channel = self.get_channel()
        form = ChannelTestForm(request.POST)
        if not form.is_valid():
            messages.error(request, "；".join(m for errors in form.errors.values() for m in errors))
            return redirect("officers:channel", pk=channel.pk)
        phone = form.cleaned_data["phone"]
        if not channel.is_group and not phone:
            messages.error(request, "请填写接收测试短信的手机号")
            return redirect("officers:channel", pk=channel.pk)
        result = services.channel_test(actor=request.user, channel=channel, phone=phone, request=request)
        if result.ok:
            messages.success(request, f"测试消息已发送：{result.answer}")
        else:
            messages.error(request, f"测试消息发送失败：{result.answer}")
        return redirect("officers:channel", pk=channel.pk)
