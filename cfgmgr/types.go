package cfgmgr

import "sort"

// Fields is one row's field/value pairs.
type Fields map[string]string

// Equal reports whether f and g hold the same pairs.
func (f Fields) Equal(g Fields) bool {
	if len(f) != len(g) {
		return false
	}
	for k, v := range f {
		if w, ok := g[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Clone returns a copy of f.
func (f Fields) Clone() Fields {
	g := make(Fields, len(f))
	for k, v := range f {
		g[k] = v
	}
	return g
}

// Names returns the field names in order.
func (f Fields) Names() []string {
	n := make([]string, 0, len(f))
	for k := range f {
		n = append(n, k)
	}
	sort.Strings(n)
	return n
}

// TableKey names a CONFIG_DB row: table and key (the key may itself hold "|").
type TableKey struct{ Table, Key string }

func (k TableKey) String() string { return k.Table + "|" + k.Key }

// Less orders rows by table, then key.
func (k TableKey) Less(o TableKey) bool {
	if k.Table != o.Table {
		return k.Table < o.Table
	}
	return k.Key < o.Key
}

// AppKey names an APP_DB row: table and key (the key may itself hold ":").
type AppKey struct{ Table, Key string }

func (k AppKey) String() string { return k.Table + ":" + k.Key }

// AppRow is one APP_DB row a CONFIG_DB row produces.
type AppRow struct {
	AppKey
	Fields Fields
}

// Op is a CONFIG_DB event or APP_DB operation kind, spelled as swss does.
type Op string

const (
	OpSet Op = "SET"
	OpDel Op = "DEL"
)

// Event is one CONFIG_DB change: the whole row after a SET, nothing on DEL.
type Event struct {
	TableKey
	Op     Op
	Fields Fields
}
