//! Stand-in for the lead's `execute::restamp` until it lands on main (removed at the merge).

use crate::config::PoolConfig;
use crate::model::set::SetSpec;

pub fn restamp(
    _pool: &PoolConfig,
    _host: &str,
    _name: &str,
    _spec: &SetSpec,
) -> Result<(), String> {
    Err("restamp is not built yet".into())
}
