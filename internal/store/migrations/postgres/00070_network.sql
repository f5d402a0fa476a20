-- +goose Up
-- The VPC product's resources and the ECS security groups in them. An
-- account's default VPC, a zone's default vSwitch and a VPC's default
-- security group are rows like any other; a partial unique index keeps
-- each one single when replicas create them together.
CREATE TABLE vpcs (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    region_id         TEXT NOT NULL,
    cidr_block        TEXT NOT NULL,
    name              TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    is_default        BOOLEAN NOT NULL DEFAULT FALSE,
    vrouter_id        TEXT NOT NULL,
    route_table_id    TEXT NOT NULL,
    resource_group_id TEXT NOT NULL DEFAULT '',
    dns_hostname      TEXT NOT NULL DEFAULT 'DISABLED',
    creation_time     BIGINT NOT NULL,
    -- Bumped by every change; creating a vSwitch bumps it too, which
    -- serialises the checks of sibling CIDRs and the per-VPC quota.
    version           BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX vpcs_account ON vpcs (account_id, region_id, creation_time);
CREATE UNIQUE INDEX vpcs_default ON vpcs (account_id, region_id) WHERE is_default;

CREATE TABLE vswitches (
    id                TEXT PRIMARY KEY,
    account_id        TEXT NOT NULL REFERENCES accounts (id),
    region_id         TEXT NOT NULL,
    vpc_id            TEXT NOT NULL REFERENCES vpcs (id),
    zone_id           TEXT NOT NULL,
    cidr_block        TEXT NOT NULL,
    name              TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    is_default        BOOLEAN NOT NULL DEFAULT FALSE,
    resource_group_id TEXT NOT NULL DEFAULT '',
    creation_time     BIGINT NOT NULL
);
CREATE INDEX vswitches_vpc ON vswitches (vpc_id, creation_time);
CREATE INDEX vswitches_account ON vswitches (account_id, region_id, creation_time);
CREATE UNIQUE INDEX vswitches_default ON vswitches (vpc_id, zone_id) WHERE is_default;

-- Tags of network resources: VPCs, vSwitches and security groups.
CREATE TABLE vpc_tags (
    resource_id TEXT NOT NULL,
    tag_key     TEXT NOT NULL,
    tag_value   TEXT NOT NULL,
    PRIMARY KEY (resource_id, tag_key)
);

-- One row per private IP in use: the primary key makes an address unique
-- in its VPC, so concurrent purchases never share one, and a vSwitch's
-- free addresses are its size less its rows here.
CREATE TABLE private_ips (
    vpc_id      TEXT NOT NULL REFERENCES vpcs (id),
    ip          TEXT NOT NULL,
    vswitch_id  TEXT NOT NULL REFERENCES vswitches (id),
    instance_id TEXT NOT NULL,
    PRIMARY KEY (vpc_id, ip)
);
CREATE INDEX private_ips_vswitch ON private_ips (vswitch_id);
CREATE INDEX private_ips_instance ON private_ips (instance_id);

CREATE TABLE security_groups (
    id                  TEXT PRIMARY KEY,
    account_id          TEXT NOT NULL REFERENCES accounts (id),
    region_id           TEXT NOT NULL,
    vpc_id              TEXT NOT NULL REFERENCES vpcs (id),
    name                TEXT NOT NULL DEFAULT '',
    description         TEXT NOT NULL DEFAULT '',
    group_type          TEXT NOT NULL,
    inner_access_policy TEXT NOT NULL,
    is_default          BOOLEAN NOT NULL DEFAULT FALSE,
    resource_group_id   TEXT NOT NULL DEFAULT '',
    creation_time       BIGINT NOT NULL,
    version             BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX security_groups_account ON security_groups (account_id, region_id, creation_time);
CREATE INDEX security_groups_vpc ON security_groups (vpc_id);
CREATE UNIQUE INDEX security_groups_default ON security_groups (vpc_id) WHERE is_default;

CREATE TABLE security_group_rules (
    id              TEXT PRIMARY KEY,
    group_id        TEXT NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE,
    direction       TEXT NOT NULL,
    ip_protocol     TEXT NOT NULL,
    port_range      TEXT NOT NULL,
    cidr_ip         TEXT NOT NULL DEFAULT '',
    peer_group_id   TEXT NOT NULL DEFAULT '',
    source_port     TEXT NOT NULL DEFAULT '',
    policy          TEXT NOT NULL,
    priority        BIGINT NOT NULL,
    nic_type        TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    creation_time   BIGINT NOT NULL
);
-- A rule is what it matches and decides: the same one twice is a duplicate.
CREATE UNIQUE INDEX security_group_rules_key ON security_group_rules
    (group_id, direction, ip_protocol, port_range, cidr_ip, peer_group_id, source_port, policy, priority, nic_type);

CREATE TABLE instance_security_groups (
    instance_id TEXT NOT NULL,
    group_id    TEXT NOT NULL REFERENCES security_groups (id),
    joined_at   BIGINT NOT NULL,
    PRIMARY KEY (instance_id, group_id)
);
CREATE INDEX instance_security_groups_group ON instance_security_groups (group_id);

-- +goose Down
DROP TABLE instance_security_groups;
DROP TABLE security_group_rules;
DROP TABLE security_groups;
DROP TABLE private_ips;
DROP TABLE vpc_tags;
DROP TABLE vswitches;
DROP TABLE vpcs;
