//! KAPI: the API server's own doors — insecure serving, anonymous requests, authorization,
//! static tokens, admission plugins, profiling, service account tokens and its certificates.

mod always_admit_enabled;
mod always_pull_images_missing;
mod apiserver_anonymous_auth_enabled;
mod apiserver_authorization_always_allow;
mod apiserver_client_ca_missing;
mod apiserver_profiling_enabled;
mod apiserver_serving_cert_missing;
mod default_admission_plugin_disabled;
mod deny_service_external_ips_missing;
mod event_rate_limit_missing;
mod insecure_bind_address_set;
mod insecure_port_enabled;
mod kubelet_certificate_authority_missing;
mod service_account_key_missing;
mod service_account_lookup_disabled;
mod service_account_token_expiration_extended;
mod token_auth_file_set;

use kubeharden_core::version::ENABLE_ADMISSION_PLUGINS_SINCE;
use kubeharden_core::views::ApiServer;
use kubeharden_core::{Effective, Inventory, Location};

use crate::finding::{Applicability, FindingBuilder, Findings};
use crate::fixes;
use crate::notes;
use crate::rule::Registered;

/// The section's rules, in code order.
pub(crate) const RULES: &[Registered] = &[
    Registered::Check(&insecure_port_enabled::InsecurePortEnabled),
    Registered::Check(&insecure_bind_address_set::InsecureBindAddressSet),
    Registered::Check(&apiserver_anonymous_auth_enabled::ApiserverAnonymousAuthEnabled),
    Registered::Check(&apiserver_authorization_always_allow::ApiserverAuthorizationAlwaysAllow),
    Registered::Check(&token_auth_file_set::TokenAuthFileSet),
    Registered::Check(&deny_service_external_ips_missing::DenyServiceExternalIpsMissing),
    Registered::Check(&kubelet_certificate_authority_missing::KubeletCertificateAuthorityMissing),
    Registered::Check(&event_rate_limit_missing::EventRateLimitMissing),
    Registered::Check(&always_admit_enabled::AlwaysAdmitEnabled),
    Registered::Check(&always_pull_images_missing::AlwaysPullImagesMissing),
    Registered::Check(&default_admission_plugin_disabled::DefaultAdmissionPluginDisabled),
    Registered::Check(&apiserver_profiling_enabled::ApiserverProfilingEnabled),
    Registered::Check(&service_account_lookup_disabled::ServiceAccountLookupDisabled),
    Registered::Check(&service_account_key_missing::ServiceAccountKeyMissing),
    Registered::Check(&apiserver_serving_cert_missing::ApiserverServingCertMissing),
    Registered::Check(&apiserver_client_ca_missing::ApiserverClientCaMissing),
    Registered::Check(
        &service_account_token_expiration_extended::ServiceAccountTokenExpirationExtended,
    ),
];

/// Reports that admission plugin `plugin` is off (`enabled` is its effective state, `false`),
/// at the list item or list that turns it off, or where `--enable-admission-plugins` belongs.
fn report_plugin_off<'f>(
    findings: &'f mut Findings<'_>,
    api: &ApiServer<'_>,
    plugin: &str,
    enabled: &Effective<bool>,
    why: &str,
) -> FindingBuilder<'f> {
    let version = api.version();
    let (location, message, label, help): (Location, String, String, String) =
        if let Some(item) = api.disable_admission_plugins().and_then(|list| {
            list.value
                .into_iter()
                .rev()
                .find(|item| item.value == plugin)
        }) {
            (
                item.location(),
                format!("`--disable-admission-plugins` turns `{plugin}` off; {why}"),
                format!("`{plugin}` disabled here"),
                format!("remove `{plugin}` from `--disable-admission-plugins`"),
            )
        } else if let Some(legacy) = api.admission_control() {
            (
                legacy.location_or(api.missing_anchor()),
                format!(
                    "`--admission-control` does not list `{plugin}`, and only the plugins it lists run; {why}"
                ),
                format!("no `{plugin}` in this list"),
                format!("add `{plugin}` to `--admission-control`"),
            )
        } else if version
            .version
            .is_before(ENABLE_ADMISSION_PLUGINS_SINCE)
        {
            (
                api.missing_anchor(),
                format!(
                    "`--admission-control` not set; before v1.10 only `AlwaysAdmit` runs then; {why}"
                ),
                "no `--admission-control` among these flags".to_owned(),
                format!(
                    "add `--admission-control` with the recommended plugins for this release, `{plugin}` among them"
                ),
            )
        } else if let Some(list) = api.enable_admission_plugins() {
            (
                list.location_or(api.missing_anchor()),
                format!(
                    "`--enable-admission-plugins` does not include `{plugin}`, which is not on by default; {why}"
                ),
                format!("no `{plugin}` in this list"),
                format!("add `{plugin}` to `--enable-admission-plugins`"),
            )
        } else {
            (
                enabled.location_or(api.missing_anchor()),
                format!(
                    "`--enable-admission-plugins` not set; `{plugin}` is not a default admission plugin; {why}"
                ),
                format!("no `--enable-admission-plugins={plugin}` among these flags"),
                format!("add `--enable-admission-plugins={plugin}`"),
            )
        };
    findings
        .report(location, message)
        .label(label)
        .help(help)
        .note(notes::version("kube-apiserver", version))
}

/// A boolean flag that is not `want`, and what that means.
struct BoolFlag<'a> {
    flag: &'a str,
    want: bool,
    /// What the effective value does, after the flag's state in the message.
    consequence: &'a str,
    /// The label under a written value.
    label: &'a str,
    help: &'a str,
    /// How safe setting `--flag=want` is.
    applicability: Applicability,
}

/// Reports `setting` (the effective value of `spec.flag`) unless it is `spec.want`, at the
/// flag or where it belongs, with a fix that sets `--flag=want` in place or adds it.
fn report_bool_flag(
    findings: &mut Findings<'_>,
    inventory: &Inventory,
    api: &ApiServer<'_>,
    setting: Option<Effective<bool>>,
    spec: &BoolFlag<'_>,
) {
    let Some(setting) = setting else {
        return;
    };
    if setting.value == spec.want {
        return;
    }
    let flag = spec.flag;
    let wanted = format!("--{flag}={}", spec.want);
    let label = if setting.is_default() {
        format!("no `{wanted}` among these flags")
    } else {
        spec.label.to_owned()
    };
    let fix = fixes::set_or_add_flag(inventory, api.process, flag, &spec.want.to_string())
        .map(|edits| fixes::fix(format!("Set `{wanted}`"), spec.applicability, edits));
    let finding = findings
        .report(
            setting.location_or(api.missing_anchor()),
            format!("{}; {}", notes::flag_state(flag, &setting), spec.consequence),
        )
        .label(label)
        .help(spec.help)
        .note(notes::version("kube-apiserver", api.version()));
    finding.fix(fix);
}
