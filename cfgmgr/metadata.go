package cfgmgr

import "strings"

// MetadataFamily validates DEVICE_METADATA|localhost {mac, hostname}. It
// writes nothing to APP_DB (orchagent reads it at start); the row stays in
// the snapshot for translators that need the system MAC.
type MetadataFamily struct{}

func (MetadataFamily) Tables() []string                               { return []string{TableDeviceMetadata} }
func (MetadataFamily) AppTables() []string                            { return nil }
func (MetadataFamily) Indexers() []Indexer                            { return nil }
func (MetadataFamily) Dependents(*Snapshot, TableKey, func(TableKey)) {}
func (MetadataFamily) AppKeys(TableKey) []AppKey                      { return nil }

func (MetadataFamily) Eval(_ *View, k TableKey, f Fields) ([]AppRow, error) {
	if k.Key != "localhost" {
		return nil, invalid(KeyField, "only DEVICE_METADATA|localhost is used, not %q", k.Key)
	}
	mac, ok := f["mac"]
	if !ok {
		return nil, invalid("mac", "missing (the system MAC address)")
	}
	if _, err := ParseMAC(mac); err != nil {
		return nil, invalid("mac", "%v", err)
	}
	if h, ok := f["hostname"]; ok {
		if err := checkHostname(h); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// checkHostname accepts RFC 1123 host names: dot-separated labels of
// letters, digits and inner hyphens, 63 characters per label, 253 in all.
func checkHostname(h string) error {
	if h == "" || len(h) > 253 {
		return invalid("hostname", "%q is empty or longer than 253 characters", h)
	}
	for _, label := range strings.Split(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return invalid("hostname", "%q has an empty, over-long or hyphen-edged label", h)
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
				return invalid("hostname", "%q holds %q (letters, digits and '-' only)", h, c)
			}
		}
	}
	return nil
}
