// Package swss implements the Redis conventions of SONiC's swss-common in Go,
// byte-compatible with the C++ and Python implementations, so that vltgw's
// daemons interoperate with redis-cli, swss-common producers and DVS-style
// tests.
//
// It owns: loading database_config.json (DBConfig), one connector per logical
// database (DB), plain tables (Table), the APP_DB intent protocol
// (ProducerStateTable / ConsumerStateTable: key set, "_T:k" staging hashes,
// del set, publish on "T_CHANNEL@<db>", atomic Lua pop in batches), keyspace
// subscriptions for CONFIG_DB/STATE_DB (SubscriberStateTable), the ordered
// queue used between orchagent and syncd (ProducerTable / ConsumerTable) and
// notification channels (NotificationProducer / NotificationConsumer).
//
// sonic-mgmt-common is not used: the Go module proxy refuses it and its DB
// layer needs libyang1 through cgo. Every blocking call takes a context;
// malformed data found in Redis is logged with its key and skipped, never
// allowed to stop the entries behind it.
package swss
