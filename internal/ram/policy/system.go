package policy

// SystemPolicy is a policy that Alibaba Cloud defines and every account can
// attach (PolicyType System). Its document cannot be changed.
type SystemPolicy struct {
	Name        string
	Description string
	Document    string
}

// systemPolicies are the system policies ecsd knows, sorted by name. The
// documents follow RAM's published "Policy content" (help pages
// alibabacloud.com/help/en/ram/developer-reference/<name-lower-case> and the
// ECS page "System policies for ECS", doc-detail/273911); the comment on each
// says how closely.
var systemPolicies = []SystemPolicy{
	{
		// Page not retrieved: Action "*" on Resource "*" as RAM's docs
		// describe it; the description is the first clause of the published
		// PowerUserAccess one.
		Name:        "AdministratorAccess",
		Description: "Provides full access to Alibaba Cloud services and resources.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": "*",
      "Effect": "Allow",
      "Resource": "*"
    }
  ]
}`,
	},
	{
		// Document not retrieved; the usual full-access shape over both
		// billing RAM codes (bss for the console, bssapi for BSS OpenAPI).
		Name:        "AliyunBSSFullAccess",
		Description: "Provides full access to Billing System via Management Console.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": [
        "bss:*",
        "bssapi:*"
      ],
      "Resource": "*",
      "Effect": "Allow"
    }
  ]
}`,
	},
	{
		// Statement 0 is the published v3 (2025-05-15). Statement 1 is
		// ecsd's: its BSS actions are named bss:Query*/bss:Get*
		// (bss:QueryOrders, bss:GetOrderDetail, bss:QueryAccountBalance),
		// where Alibaba's BSS OpenAPI uses bssapi:Query*.
		Name:        "AliyunBSSReadOnlyAccess",
		Description: "Provides read-only access to Billing System via Management Console.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": [
        "bss:Describe*",
        "bssapi:Describe*",
        "bssapi:Query*",
        "bss:ListTechSolutionTokenBills",
        "bss:GetTechSolutionTokenOverview"
      ],
      "Resource": "*",
      "Effect": "Allow"
    },
    {
      "Action": [
        "bss:Query*",
        "bss:Get*"
      ],
      "Resource": "*",
      "Effect": "Allow"
    }
  ]
}`,
	},
	{
		// As published on "System policies for ECS" (doc-detail/273911).
		Name:        "AliyunECSFullAccess",
		Description: "Provides full access to Elastic Compute Service(ECS) via Management Console.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": "ecs:*",
      "Resource": "*",
      "Effect": "Allow"
    },
    {
      "Action": [
        "vpc:DescribeVpcs",
        "vpc:DescribeVSwitches"
      ],
      "Resource": "*",
      "Effect": "Allow"
    }
  ]
}`,
	},
	{
		// As published on "System policies for ECS" (doc-detail/273911).
		Name:        "AliyunECSReadOnlyAccess",
		Description: "Provides read-only access to Elastic Compute Service(ECS) via Management Console.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": "ecs:Describe*",
      "Resource": "*",
      "Effect": "Allow"
    },
    {
      "Action": "ecs:List*",
      "Resource": "*",
      "Effect": "Allow"
    },
    {
      "Action": [
        "vpc:DescribeVpcs",
        "vpc:DescribeVSwitches"
      ],
      "Resource": "*",
      "Effect": "Allow"
    }
  ]
}`,
	},
	{
		// Document not retrieved; the full-access shape of its published
		// sibling AliyunRAMReadOnlyAccess (ram:Get*, ram:List*).
		Name:        "AliyunRAMFullAccess",
		Description: "Provides full access to Resource Access Management(RAM) via Management Console.",
		Document: `{
  "Version": "1",
  "Statement": [
    {
      "Action": "ram:*",
      "Resource": "*",
      "Effect": "Allow"
    }
  ]
}`,
	},
}

// SystemPolicies returns the system policies, sorted by name. The slice is
// the caller's to keep.
func SystemPolicies() []SystemPolicy {
	return append([]SystemPolicy(nil), systemPolicies...)
}

// SystemPolicyByName returns the system policy with exactly that name.
func SystemPolicyByName(name string) (SystemPolicy, bool) {
	for _, p := range systemPolicies {
		if p.Name == name {
			return p, true
		}
	}
	return SystemPolicy{}, false
}
