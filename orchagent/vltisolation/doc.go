// Package vltisolation is the VLT isolation-group orch of orchagent (spec
// §4 "VLT basics"): a frame that arrives on a VLT domain's peer link
// (VLTi) is never sent out of a VLT LAG of that domain, programmed the SAI
// way as SONiC's MCLAG does.
//
// In (APP_DB, written by cfgmgrd from CONFIG_DB VLT_DOMAIN and
// VLT_INTERFACE, see cfgmgr/vlt):
//
//	VLT_DOMAIN_TABLE:<id>                  {peer_link, ...}
//	VLT_INTERFACE_TABLE:<id>:<PortChannelN> {NULL}
//
// Out (ASIC_DB):
//
//	one ISOLATION_GROUP {TYPE=SAI_ISOLATION_GROUP_TYPE_BRIDGE_PORT} per domain;
//	one ISOLATION_GROUP_MEMBER {ISOLATION_GROUP_ID, ISOLATION_OBJECT=<bridge port>}
//	    per VLT LAG of the domain;
//	SAI_BRIDGE_PORT_ATTR_ISOLATION_GROUP=<group> on the peer link's bridge port.
//
// Every change makes the minimal ops: a new VLT LAG adds one member, an
// un-marked one removes one, a new peer link moves the attribute (clear on
// the old bridge port, set on the new one); nothing is re-created. Bridge
// ports belong to the core VLAN orch: a port-channel gets one with its
// first VLAN membership. Until then its row is Pending (ORCH_ERROR_TABLE
// says which bridge port is missing) and is retried by the agent after
// every batch. Once the orch references a bridge port it holds it
// (VlanView.UseBridgePort), so the port leaving its last VLAN does not
// pull it from under a member; the hold is released when the member or
// binding goes. A domain deleted under its VLT interfaces removes the
// binding, the members and the group, in that order, and sends those rows
// back to Pending.
//
// VLT_DOMAIN_TABLE is also what the proxy-gateway orch (orchagent/pgworch)
// reads, and the agent lets one orch own a table. Factory owns both tables
// (the isolation orch alone); Beside wraps the orch that owns
// VLT_DOMAIN_TABLE and hands each of its rows to this orch as well.
package vltisolation
