package orchagent

// APP_DB tables the core orchs consume (SONiC's names, docs/db-schema.md).
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

// STATE_DB tables orchagent writes (separator "|").
const (
	StateErrorTable = "ORCH_ERROR_TABLE" // ORCH_ERROR_TABLE|<APP table>:<key> {status, reason}
	StatePortTable  = "PORT_TABLE"       // PORT_TABLE|EthernetN {oper_status, admin_status}
	StateLagTable   = "LAG_TABLE"        // LAG_TABLE|PortChannelN {oper_status}
)

// Error statuses besides SAI status names.
const (
	StatusPending  = "pending"  // a dependency is missing; retried when it appears
	StatusInvalid  = "invalid"  // the row itself is wrong; waits for a new row
	StatusConflict = "conflict" // clashes with another row; retried when that goes
)
