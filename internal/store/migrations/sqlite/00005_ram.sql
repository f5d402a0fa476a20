-- +goose Up
CREATE TABLE ram_users (
    account_id   TEXT NOT NULL REFERENCES accounts (id),
    user_name    TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    display_name TEXT NOT NULL,
    mobile_phone TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    comments     TEXT NOT NULL DEFAULT '',
    create_date  BIGINT NOT NULL,
    update_date  BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_name)
);
CREATE UNIQUE INDEX ram_users_id ON ram_users (user_id);

-- Custom policies of an account; system policies live in the code.
CREATE TABLE ram_policies (
    account_id      TEXT NOT NULL REFERENCES accounts (id),
    policy_name     TEXT NOT NULL,
    description     TEXT NOT NULL DEFAULT '',
    default_version TEXT NOT NULL,
    next_version    BIGINT NOT NULL,
    create_date     BIGINT NOT NULL,
    update_date     BIGINT NOT NULL,
    PRIMARY KEY (account_id, policy_name)
);

CREATE TABLE ram_policy_versions (
    account_id  TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    version_id  TEXT NOT NULL,
    document    TEXT NOT NULL,
    create_date BIGINT NOT NULL,
    PRIMARY KEY (account_id, policy_name, version_id),
    FOREIGN KEY (account_id, policy_name) REFERENCES ram_policies (account_id, policy_name) ON DELETE CASCADE
);

CREATE TABLE ram_user_policies (
    account_id  TEXT NOT NULL,
    user_name   TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    policy_name TEXT NOT NULL,
    attach_date BIGINT NOT NULL,
    PRIMARY KEY (account_id, user_name, policy_type, policy_name),
    FOREIGN KEY (account_id, user_name) REFERENCES ram_users (account_id, user_name) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX ram_user_policies_policy ON ram_user_policies (account_id, policy_type, policy_name);

-- +goose Down
DROP TABLE ram_user_policies;
DROP TABLE ram_policy_versions;
DROP TABLE ram_policies;
DROP TABLE ram_users;
