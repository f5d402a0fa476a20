// Package conformance drives real ecsd servers, on SQLite and PostgreSQL,
// through the official Alibaba Cloud SDKs: Go SDK v1 (RPC v1, HMAC-SHA1)
// and Go SDK v2 (ACS3-HMAC-SHA256). It holds tests only.
package conformance
