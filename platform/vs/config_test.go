package vs

import (
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestConfigFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, f := range files {
		c, err := LoadConfig(f)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		if len(c.Ports) == 0 || c.Capacity.MyMAC == 0 || c.FDBAgeTime == 0 {
			t.Errorf("%s: defaults not filled: %+v", f, c)
		}
	}
	c, err := LoadConfig("testdata/pair-a.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.Ports[0].Wire.Type != WireUDP || c.Ports[0].Wire.Peer != "127.0.0.1:42000" || c.Ports[2].Wire.IfName != "vsa-eth8" ||
		c.UDPHello != 500*time.Millisecond || c.Capacity.MyMAC != 512 {
		t.Errorf("pair-a parsed as %+v", c)
	}
}

func TestConfigErrors(t *testing.T) {
	const port = "ports: [{name: Ethernet0, lanes: [0]}]\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"no switch MAC", port, "switch_mac: missing"},
		{"bad MAC", "switch_mac: zz\n" + port, "want a 6-octet MAC"},
		{"multicast MAC", "switch_mac: 01:00:00:00:00:01\n" + port, "multicast"},
		{"no ports", "switch_mac: 02:00:00:00:00:01\n", "none configured"},
		{"unknown field", "switch_mac: 02:00:00:00:00:01\nbogus: 1\n" + port, "bogus"},
		{"duplicate port", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0]}, {name: E0, lanes: [1]}]\n", "configured twice"},
		{"shared lane", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0]}, {name: E4, lanes: [0]}]\n", "lane 0 already used"},
		{"no lanes", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0}]\n", "lanes missing"},
		{"udp without peer", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0], wire: {type: udp, local: '127.0.0.1:1'}}]\n", "peer"},
		{"unknown wire", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0], wire: {type: serial}}]\n", "want none, udp or afpacket"},
		{"afpacket without ifname", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0], wire: {type: afpacket}}]\n", "ifname missing"},
		{"negative capacity", "switch_mac: 02:00:00:00:00:01\ncapacity: {my_mac: -1}\n" + port, "capacity.my_mac"},
		{"two ports on one UDP socket", "switch_mac: 02:00:00:00:00:01\nports: [{name: E0, lanes: [0], wire: {type: udp, local: '127.0.0.1:5', peer: '127.0.0.1:6'}}, {name: E4, lanes: [4], wire: {type: udp, local: '127.0.0.1:5', peer: '127.0.0.1:7'}}]\n", "already used by E0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseConfig([]byte(tc.yaml))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
