// Package daemon is pgwlldpd: it runs one lldp.Agent per VLT domain whose
// proxy gateway is in lldp mode, and connects it to the switch.
//
// In: the validated VLT rows cfgmgrd published (APP_DB VLT_PROXY_GW_TABLE,
// VLT_DOMAIN_TABLE, VLT_PROXY_GW_PORT_TABLE, LLDP_GLOBAL_TABLE), the members
// of the peer-domain link (APP_DB LAG_MEMBER_TABLE), router MACs (APP_DB
// INTF_TABLE mac_addr, CONFIG_DB DEVICE_METADATA|localhost), port oper
// status (STATE_DB PORT_TABLE), and LLDPDUs punted by the platform (HAL
// PacketIO). APP_DB rows are followed through keyspace notifications on the
// applied rows ("T:k"), never popped: orchagent is their consumer.
//
// Out: LLDPDUs (HAL PacketIO), learned remote MACs for the proxy-gateway orch
// (APP_DB VLT_PROXY_GW_LEARNED_MAC_TABLE:<id>:<mac>, ProducerStateTable),
// neighbours (STATE_DB VLT_PROXY_GW_NEIGHBOR_TABLE|<port>|<chassis id>) and
// per-port counters (COUNTERS_DB VLT_PROXY_GW_LLDP_COUNTERS:<port>).
//
// One goroutine owns the agents; subscriptions, the packet stream and the
// timer feed it over channels.
package daemon
