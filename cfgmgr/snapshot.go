package cfgmgr

import (
	"sort"
	"strings"
)

// Indexer adds a secondary index over one table: Values returns the index
// values a row is filed under (e.g. the IP address of an interface address
// row). Rows are looked up with Snapshot.Lookup(Name, value). A Claim index
// is exclusive: the engine lets one applied row hold each value.
type Indexer struct {
	Name   string
	Table  string
	Claim  bool
	Values func(key string, f Fields) []string
}

type keySet map[string]struct{}

// Snapshot holds the CONFIG_DB rows of the subscribed tables, with the keys
// of every table indexed by their first and last "|" part, plus the indexes
// the families declare. It is not safe for concurrent use; the engine's
// event loop owns it.
type Snapshot struct {
	rows     map[string]map[string]Fields
	first    map[string]map[string]keySet // table → first key part → keys
	last     map[string]map[string]keySet // table → last key part → keys
	indexers map[string][]Indexer         // table → indexers
	index    map[string]map[string]map[TableKey]struct{}
}

// NewSnapshot returns an empty snapshot maintaining the given indexes.
func NewSnapshot(ix ...Indexer) *Snapshot {
	s := &Snapshot{
		rows:     map[string]map[string]Fields{},
		first:    map[string]map[string]keySet{},
		last:     map[string]map[string]keySet{},
		indexers: map[string][]Indexer{},
		index:    map[string]map[string]map[TableKey]struct{}{},
	}
	for _, x := range ix {
		s.indexers[x.Table] = append(s.indexers[x.Table], x)
		if s.index[x.Name] == nil {
			s.index[x.Name] = map[string]map[TableKey]struct{}{}
		}
	}
	return s
}

// Get returns a row (do not modify it).
func (s *Snapshot) Get(table, key string) (Fields, bool) {
	f, ok := s.rows[table][key]
	return f, ok
}

// Has reports whether the row exists.
func (s *Snapshot) Has(table, key string) bool {
	_, ok := s.rows[table][key]
	return ok
}

// Len returns the number of rows of a table.
func (s *Snapshot) Len(table string) int { return len(s.rows[table]) }

// Keys returns the keys of a table, sorted.
func (s *Snapshot) Keys(table string) []string {
	keys := make([]string, 0, len(s.rows[table]))
	for k := range s.rows[table] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Tables returns the names of the tables holding rows, sorted.
func (s *Snapshot) Tables() []string {
	t := make([]string, 0, len(s.rows))
	for name, rows := range s.rows {
		if len(rows) > 0 {
			t = append(t, name)
		}
	}
	sort.Strings(t)
	return t
}

// ByFirst returns, sorted, the keys of table whose first "|" part is part
// ("Vlan10" finds "Vlan10|Ethernet0" and "Vlan10").
func (s *Snapshot) ByFirst(table, part string) []string { return sorted(s.first[table][part]) }

// ByLast returns, sorted, the keys of table whose last "|" part is part
// ("Ethernet0" finds "Vlan10|Ethernet0" and "Ethernet0").
func (s *Snapshot) ByLast(table, part string) []string { return sorted(s.last[table][part]) }

// CountByFirst returns how many keys of table have first "|" part part.
func (s *Snapshot) CountByFirst(table, part string) int { return len(s.first[table][part]) }

// CountByLast returns how many keys of table have last "|" part part.
func (s *Snapshot) CountByLast(table, part string) int { return len(s.last[table][part]) }

// Lookup returns, sorted, the rows filed under value in the named index.
func (s *Snapshot) Lookup(index, value string) []TableKey {
	set := s.index[index][value]
	out := make([]TableKey, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Less(out[j]) })
	return out
}

// Set stores a whole row and reports whether it changed.
func (s *Snapshot) Set(k TableKey, f Fields) bool {
	old, ok := s.rows[k.Table][k.Key]
	if ok && old.Equal(f) {
		return false
	}
	if ok {
		s.unindex(k, old)
	}
	if s.rows[k.Table] == nil {
		s.rows[k.Table] = map[string]Fields{}
	}
	f = f.Clone()
	s.rows[k.Table][k.Key] = f
	s.addIndex(k, f)
	return true
}

// Del removes a row and reports whether it existed.
func (s *Snapshot) Del(k TableKey) bool {
	old, ok := s.rows[k.Table][k.Key]
	if !ok {
		return false
	}
	delete(s.rows[k.Table], k.Key)
	s.unindex(k, old)
	return true
}

// claims returns, for each claim index of row k's table, the values f files
// the row under.
func (s *Snapshot) claims(k TableKey, f Fields) map[string][]string {
	var out map[string][]string
	for _, x := range s.indexers[k.Table] {
		if !x.Claim || f == nil {
			continue
		}
		vals := x.Values(k.Key, f)
		if len(vals) == 0 { // files nothing: the same as no entry
			continue
		}
		if out == nil {
			out = map[string][]string{}
		}
		out[x.Name] = vals
	}
	return out
}

func (s *Snapshot) addIndex(k TableKey, f Fields) {
	first, last := keyEnds(k.Key)
	addKey(s.first, k.Table, first, k.Key)
	addKey(s.last, k.Table, last, k.Key)
	for _, x := range s.indexers[k.Table] {
		for _, v := range x.Values(k.Key, f) {
			m := s.index[x.Name]
			if m[v] == nil {
				m[v] = map[TableKey]struct{}{}
			}
			m[v][k] = struct{}{}
		}
	}
}

func (s *Snapshot) unindex(k TableKey, f Fields) {
	first, last := keyEnds(k.Key)
	delKey(s.first, k.Table, first, k.Key)
	delKey(s.last, k.Table, last, k.Key)
	for _, x := range s.indexers[k.Table] {
		for _, v := range x.Values(k.Key, f) {
			m := s.index[x.Name]
			delete(m[v], k)
			if len(m[v]) == 0 {
				delete(m, v)
			}
		}
	}
}

func keyEnds(key string) (first, last string) {
	first, last = key, key
	if i := strings.IndexByte(key, '|'); i >= 0 {
		first = key[:i]
	}
	if i := strings.LastIndexByte(key, '|'); i >= 0 {
		last = key[i+1:]
	}
	return first, last
}

func addKey(m map[string]map[string]keySet, table, part, key string) {
	if m[table] == nil {
		m[table] = map[string]keySet{}
	}
	if m[table][part] == nil {
		m[table][part] = keySet{}
	}
	m[table][part][key] = struct{}{}
}

func delKey(m map[string]map[string]keySet, table, part, key string) {
	set := m[table][part]
	delete(set, key)
	if len(set) == 0 {
		delete(m[table], part)
	}
}

func sorted(set keySet) []string {
	if len(set) == 0 {
		return nil
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
