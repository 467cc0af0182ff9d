package cfgmgr

// CONFIG_DB tables (separator "|").
const (
	TableDeviceMetadata    = "DEVICE_METADATA"
	TablePort              = "PORT"
	TablePortChannel       = "PORTCHANNEL"
	TablePortChannelMember = "PORTCHANNEL_MEMBER"
	TableVlan              = "VLAN"
	TableVlanMember        = "VLAN_MEMBER"
	TableVlanInterface     = "VLAN_INTERFACE"
	TableInterface         = "INTERFACE"
	TableNeigh             = "NEIGH"
	TableStaticRoute       = "STATIC_ROUTE"
)

// APP_DB tables (separator ":"), written with ProducerStateTable.
const (
	AppPortTable       = "PORT_TABLE"
	AppLagTable        = "LAG_TABLE"
	AppLagMemberTable  = "LAG_MEMBER_TABLE"
	AppVlanTable       = "VLAN_TABLE"
	AppVlanMemberTable = "VLAN_MEMBER_TABLE"
	AppIntfTable       = "INTF_TABLE"
	AppNeighTable      = "NEIGH_TABLE"
	AppRouteTable      = "ROUTE_TABLE"
)

// ErrorTable is the STATE_DB table of rejected CONFIG_DB rows:
// CFG_ERROR_TABLE|<TABLE>|<key> {field, reason}.
const ErrorTable = "CFG_ERROR_TABLE"

// appKey joins APP_DB key parts with ":".
func appKey(table string, parts ...string) AppKey {
	k := ""
	for i, p := range parts {
		if i > 0 {
			k += ":"
		}
		k += p
	}
	return AppKey{Table: table, Key: k}
}

// row builds an AppRow.
func row(k AppKey, f Fields) AppRow { return AppRow{AppKey: k, Fields: f} }
