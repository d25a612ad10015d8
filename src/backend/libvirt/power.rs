//! Power actions on one libvirt domain.

use virt::connect::Connect;
use virt::sys;

use crate::model::action::PowerAction;

pub fn power(conn: &Connect, uuid: &str, action: PowerAction) -> Result<(), String> {
    let dom = conn
        .lookup_domain_by_uuid_string(uuid)
        .map_err(|e| e.message().to_string())?;
    let result = match action {
        PowerAction::Start => dom.create().map(|_| ()),
        PowerAction::Shutdown => dom.shutdown().map(|_| ()),
        PowerAction::Reboot => dom.reboot(sys::VIR_DOMAIN_REBOOT_DEFAULT),
        PowerAction::Reset => dom.reset().map(|_| ()),
        PowerAction::PowerOff => dom.destroy(),
        PowerAction::Suspend => dom.suspend().map(|_| ()),
        PowerAction::Resume => dom.resume().map(|_| ()),
    };
    result.map_err(|e| e.message().to_string())
}
