package vlt

// CONFIG_DB tables.
const (
	CfgDomain       = "VLT_DOMAIN"
	CfgInterface    = "VLT_INTERFACE"
	CfgProxyGateway = "VLT_PROXY_GATEWAY"
	CfgPeerLink     = "VLT_PROXY_GATEWAY_PEER_LINK"
	CfgRemoteMAC    = "VLT_PROXY_GATEWAY_REMOTE_MAC"
	CfgPort         = "VLT_PROXY_GATEWAY_PORT"
	CfgLLDP         = "LLDP"
	CfgMetadata     = "DEVICE_METADATA"
)

// APP_DB tables.
const (
	AppDomain     = "VLT_DOMAIN_TABLE"
	AppInterface  = "VLT_INTERFACE_TABLE"
	AppProxyGW    = "VLT_PROXY_GW_TABLE"
	AppRemoteMAC  = "VLT_PROXY_GW_REMOTE_MAC_TABLE"
	AppPort       = "VLT_PROXY_GW_PORT_TABLE"
	AppLLDPGlobal = "LLDP_GLOBAL_TABLE"
	AppLearnedMAC = "VLT_PROXY_GW_LEARNED_MAC_TABLE"
)

// ConfigTables are the CONFIG_DB tables this package validates.
var ConfigTables = []string{CfgDomain, CfgInterface, CfgProxyGateway, CfgPeerLink, CfgRemoteMAC, CfgPort, CfgLLDP}

// AppTables are the APP_DB tables it writes.
var AppTables = []string{AppDomain, AppInterface, AppProxyGW, AppRemoteMAC, AppPort, AppLLDPGlobal}
