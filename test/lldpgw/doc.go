// Package lldpgw is the integration test of the LLDP proxy-gateway TLV
// exchange (spec §5, issue 8): two VLT domains of one switch each, every
// switch a real set of processes started by package lab (redis-server, vsd,
// syncd, orchagent, cfgmgrd, pgwlldpd), their eVLT member ports joined by a
// vs UDP wire (testdata/pair.yaml).
//
// The tests read what each side learned (APP_DB
// VLT_PROXY_GW_LEARNED_MAC_TABLE, STATE_DB VLT_PROXY_GW_NEIGHBOR_TABLE),
// the MY_MAC objects orchagent asked for (ASIC_DB) and the ones the
// platform holds (HAL List of MY_MAC objects on vsd's socket), and pull the
// cable with the vs control service (SetLink). Times are logged, never
// asserted.
package lldpgw
