// Package vlt validates and translates the VLT CONFIG_DB tables (spec §3)
// into the APP_DB tables the proxy-gateway orch and the LLDP agent consume.
// It is pure: the caller (cfgmgrd) hands it the current CONFIG_DB rows and
// publishes the rows and rejections it returns.
//
// CONFIG_DB (separator "|")              APP_DB (separator ":", ProducerStateTable)
//
//	VLT_DOMAIN|<id>                       VLT_DOMAIN_TABLE:<id> {peer_link, peer_routing, peer_routing_timeout, peer_mac}
//	VLT_INTERFACE|<id>|<PortChannelN>     VLT_INTERFACE_TABLE:<id>:<PortChannelN> {NULL}
//	VLT_PROXY_GATEWAY|<id>                VLT_PROXY_GW_TABLE:<id> {mode, vlt_peer_mac_transmit, peer_domain_link, exclude_vlans}
//	VLT_PROXY_GATEWAY_PEER_LINK|<id>|<pc>   (folded into VLT_PROXY_GW_TABLE: peer_domain_link, exclude_vlans)
//	VLT_PROXY_GATEWAY_REMOTE_MAC|<id>|<mac> VLT_PROXY_GW_REMOTE_MAC_TABLE:<id>:<mac> {exclude_vlans}
//	VLT_PROXY_GATEWAY_PORT|<EthernetN>    VLT_PROXY_GW_PORT_TABLE:<EthernetN> {lldp_tlv}
//	LLDP|GLOBAL                           LLDP_GLOBAL_TABLE:global {hello_time, multiplier}
//
// MACs are written lower-case; VLAN lists in the compact "10,20-30" form.
// The LLDP agent writes VLT_PROXY_GW_LEARNED_MAC_TABLE:<id>:<mac>
// {learned_on, neighbor}; the VLT peer's oper state comes from STATE_DB
// VLT_PEER_TABLE|<id> {peer_mac, oper_status}, which wins over the
// configured peer_mac (the orch reads it).
//
// Every rejection names the CONFIG_DB table, key and field and says why;
// a rejected row is not applied and the rows around it still are.
package vlt
