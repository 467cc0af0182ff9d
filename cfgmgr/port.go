package cfgmgr

import (
	"strconv"
	"strings"
)

const indexLanes = "port-lanes"

// PortFamily translates PORT|EthernetN {lanes, speed, admin_status, mtu,
// alias} into PORT_TABLE. A lane belongs to one port.
type PortFamily struct{}

func (PortFamily) Tables() []string    { return []string{TablePort} }
func (PortFamily) AppTables() []string { return []string{AppPortTable} }

func (PortFamily) Indexers() []Indexer {
	return []Indexer{{Name: indexLanes, Table: TablePort, Claim: true, Values: func(_ string, f Fields) []string {
		lanes, _ := parseLanes(f["lanes"])
		return lanes
	}}}
}

func (PortFamily) Dependents(*Snapshot, TableKey, func(TableKey)) {}

func (PortFamily) AppKeys(k TableKey) []AppKey {
	if !IsEthernet(k.Key) {
		return nil
	}
	return []AppKey{appKey(AppPortTable, k.Key)}
}

func (PortFamily) Eval(v *View, k TableKey, f Fields) ([]AppRow, error) {
	if !IsEthernet(k.Key) {
		return nil, invalid(KeyField, "%q is not a port name (EthernetN)", k.Key)
	}
	raw, ok := f["lanes"]
	if !ok {
		return nil, invalid("lanes", "missing (a comma-separated list of lane numbers)")
	}
	lanes, err := parseLanes(raw)
	if err != nil {
		return nil, invalid("lanes", "%v", err)
	}
	for _, l := range lanes {
		if err := claim(v, indexLanes, l, k, "lanes", "lane"); err != nil {
			return nil, err
		}
	}
	out := Fields{"lanes": strings.Join(lanes, ",")}
	if s, ok := f["speed"]; ok {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 || n > 1_600_000 || strconv.Itoa(n) != s {
			return nil, invalid("speed", "%q is not a speed in Mb/s (1-1600000)", s)
		}
		out["speed"] = s
	}
	if out["admin_status"], err = parseAdminStatus(f, "down"); err != nil {
		return nil, err
	}
	if out["mtu"], err = parseMTU(f); err != nil {
		return nil, err
	}
	if a, ok := f["alias"]; ok {
		if a == "" || strings.ContainsAny(a, " \t\n|:") {
			return nil, invalid("alias", "%q is empty or holds a space, '|' or ':'", a)
		}
		out["alias"] = a
	}
	return []AppRow{row(appKey(AppPortTable, k.Key), out)}, nil
}

// parseLanes parses "0,1,2,3": distinct non-negative lane numbers.
func parseLanes(s string) ([]string, error) {
	if s == "" {
		return nil, errEmptyLanes
	}
	parts := strings.Split(s, ",")
	seen := make(map[int]bool, len(parts))
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = strings.TrimSpace(p)
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || strconv.Itoa(n) != p {
			return nil, &Error{Reason: "lane " + strconv.Quote(p) + " is not a non-negative number"}
		}
		if seen[n] {
			return nil, &Error{Reason: "lane " + p + " is listed twice"}
		}
		seen[n] = true
		out = append(out, p)
	}
	return out, nil
}

var errEmptyLanes = &Error{Reason: "empty lane list"}
