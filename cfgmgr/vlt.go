package cfgmgr

import "github.com/vltgw/vltgw/cfgmgr/vlt"

// VLTTranslator plugs package vlt (the VLT_* and LLDP tables, spec §3) into
// the engine. vlt translates the whole VLT configuration at once and keeps
// the history rule 6 needs, so it is a Translator, not a Family.
type VLTTranslator struct{ t *vlt.Translator }

// NewVLTTranslator returns the VLT translator with no history.
func NewVLTTranslator() *VLTTranslator { return &VLTTranslator{t: vlt.NewTranslator()} }

// DefaultTranslators returns the whole-table translators cfgmgrd runs.
func DefaultTranslators() []Translator { return []Translator{NewVLTTranslator()} }

func (*VLTTranslator) Tables() []string    { return vlt.ConfigTables }
func (*VLTTranslator) Reads() []string     { return []string{vlt.CfgMetadata} }
func (*VLTTranslator) AppTables() []string { return vlt.AppTables }

// Translate runs vlt over the snapshot. A row vlt rejects for several
// reasons reports the first; a rejection without a field is about the key.
func (v *VLTTranslator) Translate(s *Snapshot) ([]AppRow, map[TableKey]Rejection) {
	rows, rejs := v.t.Translate(snapshotConfig{s})
	out := make([]AppRow, len(rows))
	for i, r := range rows {
		out[i] = row(AppKey{r.Table, r.Key}, Fields(r.Fields))
	}
	rej := make(map[TableKey]Rejection, len(rejs))
	for _, r := range rejs {
		k := TableKey{r.Table, r.Key}
		if _, dup := rej[k]; dup {
			continue
		}
		field := r.Field
		if field == "" {
			field = KeyField
		}
		rej[k] = Rejection{Field: field, Reason: r.Reason}
	}
	return out, rej
}

// snapshotConfig is the vlt.Config view of a snapshot.
type snapshotConfig struct{ s *Snapshot }

func (c snapshotConfig) Get(table, key string) (map[string]string, bool) { return c.s.Get(table, key) }
func (c snapshotConfig) Keys(table string) []string                      { return c.s.Keys(table) }
