//! The run configuration: every number of SPEC.md, typed and validated.
//!
//! Pure Rust (no pgrx). The row lives in `revenue_split.config`; `signals` reads it as
//! `to_jsonb(row)` and hands the JSON here, so a missing row or a missing column falls back
//! to the SPEC default field by field.

use serde::{Deserialize, Serialize};

/// How a value of the config was found to be unusable.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigError {
    pub field: &'static str,
    pub value: String,
    pub rule: &'static str,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "revenue_split.config.{} = {} is invalid: it {}", self.field, self.value, self.rule)
    }
}

impl std::error::Error for ConfigError {}

/// Every tunable of SPEC §2–6. Field names are the column names of `revenue_split.config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Config {
    /// Schema of the application tables `users`, `videos`, `event`, `transactions`.
    pub app_schema: String,

    // §2 raw units
    pub weight_view: f64,
    pub weight_like: f64,
    pub weight_comment: f64,
    pub weight_share: f64,

    // §3.1 quality: 1 + clamp(quality_z_scale * z, -quality_max_adjust, +quality_max_adjust)
    pub quality_z_scale: f64,
    pub quality_max_adjust: f64,

    // §3.2 early velocity
    pub early_window_seconds: i64,
    pub early_min_views: i64,
    pub early_device_ratio: f64,
    pub early_ip_ratio: f64,
    pub early_mult: f64,

    // §3.3 cluster penalty: max(1 - cluster_max_penalty, 1 - cluster_slope * (top_share - cluster_threshold))
    pub cluster_threshold: f64,
    pub cluster_slope: f64,
    pub cluster_max_penalty: f64,

    // §4.1 seven-day integrity: integrity_base + integrity_span * score
    pub integrity_device_factor: f64,
    pub integrity_ip_factor: f64,
    pub integrity_engagement_factor: f64,
    pub integrity_base: f64,
    pub integrity_span: f64,

    // §4.2 trust: trust_min + (trust_max - trust_min) * clamp(s, 0, trust_scale) / trust_scale
    pub trust_min: f64,
    pub trust_max: f64,
    pub trust_scale: f64,

    /// §5 KYC caps: level `i` (1-based) is capped at `kyc_cap_cents[i-1]`; a level above the
    /// list is unlimited; NULL or a level <= 0 has cap 0.
    pub kyc_cap_cents: Vec<i64>,

    /// §6 payment_type of the ledger rows of monthly runs.
    pub monthly_payment_type: String,

    /// §9 a payment step pays a creator nothing while its payable amount is below this; the
    /// amount stays owed. 0 (default): every positive amount is paid at once.
    pub min_payout_cents: i64,
    /// §9 what a KYC cap does: shape the allocation (default) or only hold back payment.
    pub over_cap: OverCap,
}

/// SPEC §9 `over_cap`: what a creator's KYC cap limits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum OverCap {
    /// §5: the cap shapes the allocation (water-filling); the excess goes to the others.
    #[default]
    Redistribute,
    /// The creator earns its plain proportional share; the cap limits what one run pays, and
    /// the rest stays owed.
    Hold,
}

impl OverCap {
    /// The spelling in the config row and in recorded configurations.
    pub fn as_str(self) -> &'static str {
        match self {
            OverCap::Redistribute => "redistribute",
            OverCap::Hold => "hold",
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            app_schema: "public".into(),
            weight_view: 1.0,
            weight_like: 3.0,
            weight_comment: 5.0,
            weight_share: 8.0,
            quality_z_scale: 0.01,
            quality_max_adjust: 0.02,
            early_window_seconds: 7200,
            early_min_views: 50,
            early_device_ratio: 0.5,
            early_ip_ratio: 0.4,
            early_mult: 1.05,
            cluster_threshold: 0.20,
            cluster_slope: 2.0,
            cluster_max_penalty: 0.30,
            integrity_device_factor: 5.0,
            integrity_ip_factor: 5.0,
            integrity_engagement_factor: 10.0,
            integrity_base: 0.97,
            integrity_span: 0.06,
            trust_min: 0.80,
            trust_max: 1.20,
            trust_scale: 100.0,
            kyc_cap_cents: vec![5_000, 50_000],
            monthly_payment_type: "revenue_split_monthly".into(),
            min_payout_cents: 0,
            over_cap: OverCap::Redistribute,
        }
    }
}

/// The KYC cap of a run, in cents; `None` is unlimited.
pub fn kyc_cap(cfg: &Config, kyc_level: Option<i64>) -> Option<i64> {
    match kyc_level {
        None => Some(0),
        Some(l) if l <= 0 => Some(0),
        Some(l) => usize::try_from(l - 1).ok().and_then(|i| cfg.kyc_cap_cents.get(i).copied()),
    }
}

impl Config {
    /// Parses the JSON of a `revenue_split.config` row (`None`: no row, all defaults) and validates it.
    pub fn from_json(json: Option<&str>) -> Result<Config, ConfigError> {
        let cfg: Config = match json {
            None => Config::default(),
            Some(text) => serde_json::from_str(text).map_err(|e| {
                // Name the field where we can: serde's message for a bad enum value does not.
                bad_over_cap(text).unwrap_or_else(|| ConfigError {
                    field: "(row)",
                    value: text.chars().take(200).collect(),
                    rule: leak_rule(&e),
                })
            })?,
        };
        cfg.validate()?;
        Ok(cfg)
    }

    /// Checks every value against the range in which the SPEC's formulas make sense.
    pub fn validate(&self) -> Result<(), ConfigError> {
        fn bad(field: &'static str, value: impl ToString, rule: &'static str) -> ConfigError {
            ConfigError { field, value: value.to_string(), rule }
        }
        let nonneg = [
            ("weight_view", self.weight_view),
            ("weight_like", self.weight_like),
            ("weight_comment", self.weight_comment),
            ("weight_share", self.weight_share),
            ("quality_z_scale", self.quality_z_scale),
            ("quality_max_adjust", self.quality_max_adjust),
            ("early_device_ratio", self.early_device_ratio),
            ("early_ip_ratio", self.early_ip_ratio),
            ("cluster_slope", self.cluster_slope),
            ("integrity_device_factor", self.integrity_device_factor),
            ("integrity_ip_factor", self.integrity_ip_factor),
            ("integrity_engagement_factor", self.integrity_engagement_factor),
            ("integrity_span", self.integrity_span),
        ];
        for (field, v) in nonneg {
            if !(v.is_finite() && v >= 0.0) {
                return Err(bad(field, v, "must be a finite number >= 0"));
            }
        }
        let positive = [
            ("early_mult", self.early_mult),
            ("integrity_base", self.integrity_base),
            ("trust_min", self.trust_min),
            ("trust_max", self.trust_max),
            ("trust_scale", self.trust_scale),
        ];
        for (field, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(bad(field, v, "must be a finite number > 0"));
            }
        }
        if self.quality_max_adjust >= 1.0 {
            return Err(bad("quality_max_adjust", self.quality_max_adjust, "must be < 1"));
        }
        if !(self.cluster_threshold.is_finite() && (0.0..=1.0).contains(&self.cluster_threshold)) {
            return Err(bad("cluster_threshold", self.cluster_threshold, "must be between 0 and 1"));
        }
        if !(self.cluster_max_penalty.is_finite() && (0.0..1.0).contains(&self.cluster_max_penalty)) {
            return Err(bad("cluster_max_penalty", self.cluster_max_penalty, "must be >= 0 and < 1"));
        }
        if self.trust_min > self.trust_max {
            return Err(bad("trust_min", self.trust_min, "must be <= trust_max"));
        }
        if !(1..=86_400 * 7).contains(&self.early_window_seconds) {
            return Err(bad("early_window_seconds", self.early_window_seconds, "must be between 1 and 604800"));
        }
        if self.early_min_views < 0 {
            return Err(bad("early_min_views", self.early_min_views, "must be >= 0"));
        }
        if let Some(c) = self.kyc_cap_cents.iter().find(|c| **c < 0) {
            return Err(bad("kyc_cap_cents", c, "must hold only amounts >= 0"));
        }
        if self.app_schema.is_empty() {
            return Err(bad("app_schema", "''", "must name a schema"));
        }
        if self.monthly_payment_type.is_empty() {
            return Err(bad("monthly_payment_type", "''", "must not be empty"));
        }
        if self.min_payout_cents < 0 {
            return Err(bad("min_payout_cents", self.min_payout_cents, "must be >= 0"));
        }
        Ok(())
    }
}

/// The error for an `over_cap` value other than "redistribute" or "hold", if the row has one.
fn bad_over_cap(text: &str) -> Option<ConfigError> {
    let row: serde_json::Value = serde_json::from_str(text).ok()?;
    let value = row.get("over_cap")?;
    if serde_json::from_value::<OverCap>(value.clone()).is_ok() {
        return None;
    }
    Some(ConfigError {
        field: "over_cap",
        value: value.to_string().chars().take(200).collect(),
        rule: "must be 'redistribute' or 'hold'",
    })
}

/// serde's messages are owned strings; the error type wants a static rule, and a config
/// parse failure happens at most once per call, so leaking the short message is harmless.
fn leak_rule(e: &serde_json::Error) -> &'static str {
    Box::leak(format!("does not parse ({e})").into_boxed_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_the_spec_numbers_and_valid() {
        let c = Config::default();
        assert_eq!((c.weight_view, c.weight_like, c.weight_comment, c.weight_share), (1.0, 3.0, 5.0, 8.0));
        assert_eq!((c.trust_min, c.trust_max), (0.80, 1.20));
        assert!(c.validate().is_ok());
        assert_eq!(Config::from_json(None).unwrap(), c);
    }

    #[test]
    fn missing_columns_fall_back_to_defaults() {
        let c = Config::from_json(Some(r#"{"app_schema":"app","weight_like":4}"#)).unwrap();
        assert_eq!(c.app_schema, "app");
        assert_eq!(c.weight_like, 4.0);
        assert_eq!(c.weight_share, 8.0);
    }

    #[test]
    fn bad_values_are_rejected_naming_the_field() {
        let cases = [
            (r#"{"weight_view":-1}"#, "weight_view"),
            (r#"{"trust_min":1.5,"trust_max":1.2}"#, "trust_min"),
            (r#"{"kyc_cap_cents":[5000,-1]}"#, "kyc_cap_cents"),
            (r#"{"cluster_max_penalty":1.0}"#, "cluster_max_penalty"),
            (r#"{"early_window_seconds":0}"#, "early_window_seconds"),
            (r#"{"app_schema":""}"#, "app_schema"),
            (r#"{"weight_view":"x"}"#, "(row)"),
        ];
        for (json, field) in cases {
            let e = Config::from_json(Some(json)).unwrap_err();
            assert_eq!(e.field, field, "{json}");
            assert!(e.to_string().contains(field));
        }
    }

    #[test]
    fn policies_default_to_the_spec_and_old_configs_read_as_defaults() {
        let c = Config::default();
        assert_eq!((c.min_payout_cents, c.over_cap), (0, OverCap::Redistribute));
        // A configuration recorded by a 0.2.0 run has neither field.
        let mut old = serde_json::to_value(Config::default()).unwrap();
        let row = old.as_object_mut().unwrap();
        assert!(row.remove("min_payout_cents").is_some() && row.remove("over_cap").is_some());
        let c = Config::from_json(Some(&old.to_string())).unwrap();
        assert_eq!(c, Config::default());
    }

    #[test]
    fn policies_parse_and_serialize_by_name() {
        let c = Config::from_json(Some(r#"{"min_payout_cents":1000,"over_cap":"hold"}"#)).unwrap();
        assert_eq!((c.min_payout_cents, c.over_cap), (1_000, OverCap::Hold));
        let json = serde_json::to_value(&c).unwrap();
        assert_eq!(json["over_cap"], "hold");
        assert_eq!(json["min_payout_cents"], 1_000);
        assert_eq!(Config::from_json(Some(&json.to_string())).unwrap(), c);
        let c = Config::from_json(Some(r#"{"over_cap":"redistribute"}"#)).unwrap();
        assert_eq!(c.over_cap, OverCap::Redistribute);
        assert_eq!((OverCap::Hold.as_str(), OverCap::Redistribute.as_str()), ("hold", "redistribute"));
    }

    #[test]
    fn bad_policies_are_rejected_naming_the_field() {
        let cases = [
            (r#"{"min_payout_cents":-1}"#, "min_payout_cents", "-1"),
            (r#"{"over_cap":"Hold"}"#, "over_cap", "\"Hold\""),
            (r#"{"over_cap":"forfeit"}"#, "over_cap", "\"forfeit\""),
            (r#"{"over_cap":1}"#, "over_cap", "1"),
            (r#"{"over_cap":null}"#, "over_cap", "null"),
            (r#"{"min_payout_cents":1.5}"#, "(row)", ""),
        ];
        for (json, field, value) in cases {
            let e = Config::from_json(Some(json)).unwrap_err();
            assert_eq!(e.field, field, "{json}");
            assert!(e.to_string().contains(field), "{e}");
            if field != "(row)" {
                assert_eq!(e.value, value, "{json}");
            }
        }
        // validate() alone, on a value built in Rust.
        let c = Config { min_payout_cents: i64::MIN, ..Config::default() };
        assert_eq!(c.validate().unwrap_err().field, "min_payout_cents");
        assert!(Config { min_payout_cents: i64::MAX, ..Config::default() }.validate().is_ok());
    }

    #[test]
    fn kyc_caps() {
        let c = Config::default();
        assert_eq!(kyc_cap(&c, None), Some(0));
        assert_eq!(kyc_cap(&c, Some(-1)), Some(0));
        assert_eq!(kyc_cap(&c, Some(0)), Some(0));
        assert_eq!(kyc_cap(&c, Some(1)), Some(5_000));
        assert_eq!(kyc_cap(&c, Some(2)), Some(50_000));
        assert_eq!(kyc_cap(&c, Some(3)), None);
        assert_eq!(kyc_cap(&c, Some(i64::MAX)), None);
    }
}
