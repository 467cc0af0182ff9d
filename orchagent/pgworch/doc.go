// Package pgworch is the VLT proxy-gateway orch of orchagent: it turns the
// VLT APP_DB tables cfgmgrd and pgwlldpd write, the L3 VLANs of the core
// intfs orch and the VLT peer's status into SAI MY_MAC objects, through the
// pure core in orchagent/proxygw.
//
// # Inputs
//
//   - APP_DB VLT_DOMAIN_TABLE:<id> {peer_link, peer_routing,
//     peer_routing_timeout, peer_mac} (cfgmgrd; peer_link also drives the
//     isolation group, here it is only the VLTi whose oper status is
//     followed — see "The VLT peer's status");
//   - APP_DB VLT_PROXY_GW_TABLE:<id> {mode, vlt_peer_mac_transmit,
//     peer_domain_link, exclude_vlans} (cfgmgrd);
//   - APP_DB VLT_PROXY_GW_REMOTE_MAC_TABLE:<id>:<mac> {exclude_vlans}
//     (cfgmgrd, static mode);
//   - APP_DB VLT_PROXY_GW_LEARNED_MAC_TABLE:<id>:<mac> {learned_on,
//     neighbor} (pgwlldpd, lldp mode);
//   - APP_DB VLT_PROXY_GW_PORT_TABLE:<EthernetN> {lldp_tlv} and
//     LLDP_GLOBAL_TABLE:global {hello_time, multiplier} (cfgmgrd): only
//     checked — nothing to program — but consumed, because pgwlldpd reads
//     the applied rows, which exist once a consumer popped them;
//   - STATE_DB VLT_PEER_TABLE|<id> {peer_mac, oper_status} (an external VLT
//     daemon, if one runs; its peer_mac wins over VLT_DOMAIN's and its
//     oper_status over the peer link's);
//   - the oper status of the peer-link LAG: Env.Ports and
//     Events.OnOperStatus (PortsOrch: a LAG is up while an enabled member
//     port is oper-up);
//   - STATE_DB VLT_PROXY_GW_NEIGHBOR_TABLE|<port>|<chassis> {last_rx, ttl,
//     macs} (pgwlldpd), only to report when a learned MAC expires;
//   - the L3 VLANs: Env.Intfs.L3Vlans at start and Events.OnRouterInterface;
//   - its own STATE_DB tables (below), so rows left by a previous run are
//     deleted or rewritten and rows deleted behind its back are restored.
//
// Rows are validated again here (APP_DB is writable by anyone): a bad
// domain id, MAC or VLAN list makes the row Invalid (ORCH_ERROR_TABLE names
// the key and the field) and leaves what was accepted before in place.
//
// # What it programs
//
// Every change of an input queues one plan for the round (a Resync of the
// pseudo key PlanKey of VLT_PROXY_GW_TABLE, so a burst of 4000 VLAN
// interfaces is planned once). A plan computes proxygw.ComputeDesired and
// asks proxygw.Tracker for the minimal creates and removes: MY_MAC objects
// {MAC_ADDRESS=m, MAC_ADDRESS_MASK=FF:FF:FF:FF:FF:FF, VLAN_ID=v,
// PRIORITY=Options.Priority}, removes first, in the round's bulk. The Done
// callbacks feed Tracker.Created/Removed. Nothing is ever flushed and
// re-installed. A create refused with SAI_STATUS_TABLE_FULL stays failed
// until a remove succeeds (room), then it is retried — only as many as
// there is room for when the capacity is known, so a full table of 512 is
// not sent 60000 doomed creates each time one entry goes; other refusals
// are retried after a back-off (RetryMin doubling to RetryMax). Peer routing
// keeps the peer MAC on every L3 VLAN while the peer is up and for
// peer_routing_timeout after it goes down (Env.AfterFunc on the agent's
// clock; 0 = forever).
//
// # The VLT peer's status
//
// vltgw has no VLT daemon (no heartbeat or control session between the
// peers), so, as MLAG implementations do when the session is the peer
// link, the peer's oper status is derived from the VLTi: the peer is up
// while the domain's peer_link port-channel is oper-up and down when it
// goes oper-down (a peer_link LAG that does not exist counts as down).
// A node failure takes its end of the VLTi down, so the partner keeps
// routing the failed node's MAC for peer_routing_timeout and then stops
// (spec §1). Precedence, per domain:
//
//  1. STATE_DB VLT_PEER_TABLE|<id> oper_status (up/down), when a row
//     carries one: an external VLT daemon knows better (it can tell a dead
//     peer from a cut VLTi with a backup heartbeat);
//  2. the oper status of VLT_DOMAIN peer_link;
//  3. neither: unknown, and the peer MAC is routed as if the peer were up
//     (peer_routing_timeout never starts).
//
// The timeout runs from the moment the status went down and is not
// restarted when the source changes while it stays down (a VLT_PEER_TABLE
// row deleted while the peer link is down); the peer coming back before it
// ends cancels it, a new down starts it again. Caveat of the choice: a cut
// VLTi with both nodes alive looks like a dead peer (each node stops
// routing the other's MAC after the timeout; nothing is lost, frames to
// the partner's MAC are bridged to it again). A domain whose peer link is
// down when the agent starts starts the timeout then.
//
// # What it reports (STATE_DB)
//
//   - VLT_PROXY_GW_TABLE|<id> {oper_status, mode, error, entries_installed,
//     entries_failed, peer_domain_link, peer_status (up, down, unknown),
//     peer_status_source ("VLT_PEER_TABLE", "peer-link PortChannelN oper
//     status", "none"), peer_routing_expires_in and peer_routing_expires_at
//     (while the peer-routing timeout runs: the seconds left when the row
//     was written — it is not rewritten every second — and the RFC 3339
//     deadline; empty otherwise)}; the row exists for domains with a proxy
//     gateway (a domain with peer routing only reports its peer MAC in
//     VLT_PROXY_GW_REMOTE_MAC_TABLE, source peer-routing, expires_in);
//   - VLT_PROXY_GW_REMOTE_MAC_TABLE|<id>|<mac> {source (static, lldp,
//     peer-routing; comma-joined if several), learned_on, neighbor,
//     expires_in, vlans_installed, vlans_failed, state (installed, partial,
//     failed, pending), error};
//   - CRM_TABLE|my_mac {used, available, failed, capacity, capacity_source}:
//     the CRM-style MY_MAC usage. used counts the entries this orch holds
//     (it is the only MY_MAC user). The HAL's MY_MAC capacity does not reach
//     orchagent (syncd has no CRM get), so capacity is Options.Capacity when
//     given (capacity_source "configured"), else the number of entries held
//     when the platform last answered TABLE_FULL ("observed"), else unknown
//     ("unknown": available is then not written).
package pgworch
