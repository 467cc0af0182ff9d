package cli

// Builtin registers the SONiC-like commands of this package: config load,
// config save, show interfaces status, show vlan brief, show ip route.
func Builtin(a *App) error {
	return a.RegisterAll(
		Command{Path: "config load", Args: "<config_db.json>", Summary: "write every row of a config_db.json file into CONFIG_DB (merging)", Run: runConfigLoad},
		Command{Path: "config save", Args: "[file]", Summary: "dump CONFIG_DB as config_db.json (stdout by default)", Run: runConfigSave},
		Command{Path: "show interfaces status", Summary: "ports: lanes, speed, MTU, alias, oper and admin status", Run: runShowInterfacesStatus},
		Command{Path: "show vlan brief", Summary: "VLANs with their IP addresses and member ports", Run: runShowVlanBrief},
		Command{Path: "show ip route", Summary: "routes in ASIC_DB, and APP_DB routes not installed yet", Run: runShowIPRoute},
	)
}
