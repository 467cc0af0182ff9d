package cli

import (
	"context"
	"strings"

	"github.com/vltgw/vltgw/swss"
)

func runShowInterfacesStatus(ctx context.Context, env *Env, _ []string) error {
	app, err := readTable(ctx, env, swss.ApplDB, "PORT_TABLE")
	if err != nil {
		return err
	}
	state, err := readTable(ctx, env, swss.StateDB, "PORT_TABLE")
	if err != nil {
		return err
	}
	ports := InterfacesStatus(app, state)
	if env.JSON() {
		return writeJSON(env.Stdout, ports)
	}
	return interfacesTable(ports).writeSimple(env.Stdout)
}

func runShowVlanBrief(ctx context.Context, env *Env, _ []string) error {
	var in VlanRows
	var err error
	if in.Vlan, err = readTable(ctx, env, swss.ConfigDB, "VLAN"); err != nil {
		return err
	}
	if in.Member, err = readTable(ctx, env, swss.ConfigDB, "VLAN_MEMBER"); err != nil {
		return err
	}
	if in.Interface, err = readTable(ctx, env, swss.ConfigDB, "VLAN_INTERFACE"); err != nil {
		return err
	}
	errs, err := readTable(ctx, env, swss.StateDB, "CFG_ERROR_TABLE")
	if err != nil {
		return err
	}
	in.Errors = map[string]string{}
	for k, f := range errs {
		in.Errors[k] = strings.TrimSpace(f["field"] + ": " + f["reason"])
	}
	vlans := VlansBrief(in)
	if env.JSON() {
		return writeJSON(env.Stdout, vlans)
	}
	return vlanTable(vlans).writeGrid(env.Stdout)
}

func runShowIPRoute(ctx context.Context, env *Env, _ []string) error {
	asic, err := env.store(ctx, swss.AsicDB)
	if err != nil {
		return err
	}
	in := RouteInputs{ASIC: map[string]map[string]string{}, Names: map[string]string{}}
	for _, typ := range []string{otRoute, otNextHop, otNHGroupMbr, otRIF, otVlan, otSwitch} {
		keys, err := asic.keys(ctx, asicPrefix+typ+":*")
		if err != nil {
			return err
		}
		rows, err := asic.hashes(ctx, keys)
		if err != nil {
			return err
		}
		for k, f := range rows {
			in.ASIC[k] = f
		}
	}
	if in.App, err = readTable(ctx, env, swss.ApplDB, "ROUTE_TABLE"); err != nil {
		return err
	}
	counters, err := env.store(ctx, swss.CountersDB)
	if err != nil {
		return err
	}
	for _, m := range []string{"COUNTERS_PORT_NAME_MAP", "COUNTERS_LAG_NAME_MAP"} {
		names, err := counters.hash(ctx, m)
		if err != nil {
			return err
		}
		for name, oid := range names {
			in.Names[oid] = name
		}
	}
	routes := Routes(in)
	if env.JSON() {
		return writeJSON(env.Stdout, routes)
	}
	return routeTable(routes).writeSimple(env.Stdout)
}

func readTable(ctx context.Context, env *Env, db, table string) (map[string]map[string]string, error) {
	s, err := env.store(ctx, db)
	if err != nil {
		return nil, err
	}
	return s.table(ctx, table)
}
