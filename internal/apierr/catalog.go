package apierr

// The catalog: one row per (code, status) that ecsd sends, sorted by code.
// Every row of the error table in spec/ModifyPrepayInstanceSpec.txt is here
// with its message; where that table lists one code with two statuses, each
// status is its own row and the comment says when it is used.
var (
	AccountArrearage                                            = def(400, "Account.Arrearage", "Your account has an outstanding payment.")
	BillingMethodNotFound                                       = def(404, "BillingMethodNotFound", "The account has not chosen any billing method.")
	ChargeTypeViolation                                         = def(403, "ChargeTypeViolation", "The operation is not permitted due to charge type of the instance.")
	DeleteConflictPolicyUser                                    = def(409, "DeleteConflict.Policy.User", "The policy CAN NOT be attached to any user while deleting the policy.")
	DeleteConflictPolicyVersion                                 = def(409, "DeleteConflict.Policy.Version", "The policy CAN NOT have any non-default version while deleting the policy.")
	DeleteConflictPolicyVersionDefault                          = def(409, "DeleteConflict.Policy.Version.Default", "You cannot delete the default policy version.")
	DeleteConflictUserAccessKey                                 = def(409, "DeleteConflict.User.AccessKey", "The user CAN NOT has any access key while deleting the user.")
	DeleteConflictUserPolicy                                    = def(409, "DeleteConflict.User.Policy", "The user CAN NOT has any attached policy while deleting the user.")
	DryRunOperation                                             = def(400, "DryRunOperation", "Request validation has been passed with DryRun flag set.")
	EntityAlreadyExistsPolicy                                   = def(409, "EntityAlreadyExists.Policy", "The policy does already EXIST.")
	EntityAlreadyExistsUser                                     = def(409, "EntityAlreadyExists.User", "The user does already EXIST.")
	EntityAlreadyExistsUserPolicy                               = def(409, "EntityAlreadyExists.User.Policy", "The user has already been attached this policy.")
	EntityNotExistPolicy                                        = def(404, "EntityNotExist.Policy", "The policy does not exist.")
	EntityNotExistPolicyVersion                                 = def(404, "EntityNotExist.Policy.Version", "The policy version does not exist.")
	EntityNotExistUser                                          = def(404, "EntityNotExist.User", "The user does not exist.")
	EntityNotExistUserAccessKey                                 = def(404, "EntityNotExist.User.AccessKey", "The access key does not exist.")
	EntityNotExistUserPolicy                                    = def(404, "EntityNotExist.User.Policy", "The policy is not attached to the user.")
	ForbiddenRAM                                                = def(403, "Forbidden.RAM", "User not authorized to operate on the specified resource, or this API doesn't support RAM.")
	HibernationConfiguredInstanceOperationForbidden             = def(403, "HibernationConfigured.InstanceOperationForbidden", "The operation is not permitted due to limit of the hibernation configured instance.")
	IdempotenceParamNotMatch                                    = def(400, "IdempotenceParamNotMatch", "Request uses a client token in a previous request but is not identical to that request.")
	ImageNotSupportInstanceType                                 = def(403, "ImageNotSupportInstanceType", "The specified image does not support the specified InstanceType.")
	ImageOrderFailed                                            = def(500, "ImageOrderFailed", "Create marketplace image order failed.")
	IncompleteSignature                                         = def(400, "IncompleteSignature", "The request signature does not conform to Aliyun standards.") // no signature at all, or an Authorization header that cannot be parsed
	IncorrectInstanceStatus                                     = def(403, "IncorrectInstanceStatus", "The current status of the resource does not support this operation.")
	InstanceUnPaidOrder                                         = def(403, "Instance.UnPaidOrder", "The specified instance has unpaid order.") // RenewInstance while an order of the instance is unpaid
	InstanceDowngradeQuotaExceed                                = def(400, "InstanceDowngrade.QuotaExceed", "Quota of instance downgrade is exceed.")
	InstanceExpired                                             = def(403, "InstanceExpired", "The prePaid instance has been expired.")
	InstanceExpiredOrInArrears                                  = def(403, "InstanceExpiredOrInArrears", "The specified operation is denied as your prepay instance is expired (prepay mode) or in arrears (afterpay mode).")
	InstanceLockedForSecurity                                   = def(403, "InstanceLockedForSecurity", "The specified operation is denied as your instance is locked for security reasons.")
	InstanceTypeOffline                                         = def(403, "InstanceType.Offline", "%s")
	InstanceTypeNotSupportedTooManyDisksAttached                = def(400, "InstanceTypeNotSupported.TooManyDisksAttached", "%s")
	InsufficientBalance                                         = def(403, "InsufficientBalance", "Your account does not have enough balance.") // AutoPay=true and the balance (vouchers and cash) does not cover the order; nothing is kept
	InternalError                                               = def(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure.")
	InvalidDestinationResource                                  = def(404, "Invalid.DestinationResource", "The specified DestinationResource is not valid.")
	InvalidOperationType                                        = def(400, "Invalid.OperationType", "The specified operationType is not valid.")
	InvalidParam                                                = def(400, "Invalid.Param", "The input parameter DestinationResource that is mandatory for processing this request is not supplied.")
	InvalidResourceId                                           = def(404, "Invalid.ResourceId", "The specified ResourceId is not valid.") // DescribeResourcesModification: a ResourceId that is not an instance id at all
	InvalidAcceptLanguageNotFound                               = def(404, "InvalidAcceptLanguage.NotFound", "The specified AcceptLanguage is not found.")
	InvalidAccessKeyIDInactive                                  = def(400, "InvalidAccessKeyId.Inactive", "Specified access key is disabled.")
	InvalidAccessKeyIDNotFound                                  = def(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")    // 404 as real ECS sends it (older docs say 400)
	InvalidAccountIDNotFound                                    = def(404, "InvalidAccountId.NotFound", "The specified AccountId does not exist.") // admin API
	InvalidAction                                               = def(400, "InvalidAction", "%s")
	InvalidActionNotFound                                       = def(404, "InvalidAction.NotFound", "Specified api is not found, please check your url and method.")
	InvalidActionWithActiveElasticUpgrade                       = def(400, "InvalidAction.WithActiveElasticUpgrade", "The instance has active Elastic Upgrade.")
	InvalidAmount                                               = def(400, "InvalidAmount", "The specified Amount is not valid.") // DescribePrice Amount outside 1-1000
	InvalidAutoRenewPeriodValueNotSupported                     = def(400, "InvalidAutoRenewPeriod.ValueNotSupported", "The specified AutoRenewPeriod is not valid.")
	InvalidBillingMethodValueNotSupported                       = def(400, "InvalidBillingMethod.ValueNotSupported", "The operation is not permitted due to an invalid billing method of the instance.")
	InvalidCallIDNotFound                                       = def(404, "InvalidCallId.NotFound", "The specified CallId is not in the call log.")              // admin API; pruned calls too
	InvalidClientTokenValueNotSupported                         = def(400, "InvalidClientToken.ValueNotSupported", "The ClientToken provided is invalid.")        // longer than 64 characters or not ASCII
	InvalidClockMode                                            = def(409, "InvalidClockMode", "The clock can only be moved when ecsd runs with --clock manual.") // admin API
	InvalidDataDiskCategoryValueNotSupported                    = def(403, "InvalidDataDiskCategory.ValueNotSupported", "The specified Category of Data Disk is not valid.")
	InvalidDiskDetachedSystemDisk                               = def(403, "InvalidDisk.DetachedSystemDisk", "The specified resource is/has a detached system disk %s , not support current operation.")
	InvalidDiskCategoryNotSupported                             = def(403, "InvalidDiskCategory.NotSupported", "The upgrade operation of instance does not support this category of disk.")
	InvalidEniIDNotFound                                        = def(404, "InvalidEniId.NotFound", "The specified network interface does not exist.")
	InvalidImageIDNotFound                                      = def(404, "InvalidImageId.NotFound", "The specified ImageId does not exist.")
	InvalidInstanceEipNotSupport                                = def(403, "InvalidInstance.EipNotSupport", "The special instance with eip not support operate, please unassociate eip first.")
	InvalidInstanceNotFoundSystemDisk                           = def(403, "InvalidInstance.NotFoundSystemDisk", "The specified instance has no system disk.")
	InvalidInstancePreInstanceExpired                           = def(403, "InvalidInstance.PreInstanceExpired", "Instance business status is not Expired.")
	InvalidInstancePurchaseNotFound                             = def(400, "InvalidInstance.PurchaseNotFound", "The specified instance has no purchase history.")
	InvalidInstanceUnpaidOrder                                  = def(400, "InvalidInstance.UnpaidOrder", "The specified instance has unpaid order.")
	InvalidInstanceChargeTypeNotFound                           = def(404, "InvalidInstanceChargeType.NotFound", "The specified InstanceChargeType is not found.")
	InvalidLockReasonNotFound                                   = def(404, "InvalidLockReason.NotFound", "The specified LockReason is not found.")           // DescribeInstances LockReason filter
	InvalidNetworkTypeNotFound                                  = def(404, "InvalidNetworkType.NotFound", "The specified InstanceNetworkType is not found.") // DescribeInstances InstanceNetworkType filter
	InvalidInstanceChargeTypeValueNotSupported                  = def(400, "InvalidInstanceChargeType.ValueNotSupported", "%s")
	InvalidInstanceIdNotFoundMalformed                          = def(400, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")                       // an InstanceId that is not an instance id at all (wrong prefix or length); a well-formed id that names nothing is the 404 row
	InvalidInstanceIdNotFound                                   = def(404, "InvalidInstanceId.NotFound", "The specified InstanceId does not exist.")                       // no instance of the caller has that id (another account's instance is never a hint that it exists)
	InvalidInstanceStatus                                       = def(400, "InvalidInstanceStatus", "The current status of the instance does not support this operation.") // the instance is in a transitional state (Pending, Starting, Stopping)
	InvalidInstanceStatusLocked                                 = def(403, "InvalidInstanceStatus", "The current status of the instance does not support this operation.") // the instance carries an operation lock (security, financial)
	InvalidInstanceTypeNotFound                                 = def(404, "InvalidInstanceType.NotFound", "The specified InstanceType does not exist.")                   // a catalog query that names an unknown type
	InvalidInstanceTypeNotSupportCpuOptionsNestedVirtualization = def(400, "InvalidInstanceType.NotSupportCpuOptionsNestedVirtualization", "The specified instance type does not support CpuOptions.NestedVirtualization: %s.")
	InvalidInstanceTypeNotSupportDiskCategory                   = def(403, "InvalidInstanceType.NotSupportDiskCategory", "The instanceType of the specified instance does not support this disk category.")
	InvalidInstanceTypeNotSupportUpgrade                        = def(403, "InvalidInstanceType.NotSupportUpgrade", "The specified InstanceType can only be downgraded.") // DescribeInstanceModificationPrice quotes upgrades only
	InvalidInstanceTypeNotSupported                             = def(400, "InvalidInstanceType.NotSupported", "The specified InstanceType is not Supported.")
	InvalidInstanceTypeValueNotSupported                        = def(400, "InvalidInstanceType.ValueNotSupported", "The specified InstanceType does not exist or beyond the permitted range.") // the instance type does not exist in the catalog
	InvalidInstanceTypeValueNotSupportedRange                   = def(403, "InvalidInstanceType.ValueNotSupported", "The specified InstanceType does not exist or beyond the permitted range.") // the type exists but is outside what this instance may change to (family change-compatibility table)
	InvalidInstanceTypeValueUnauthorized                        = def(400, "InvalidInstanceType.ValueUnauthorized", "The specified InstanceType is not authorized.")                            // the account has the type on its restricted list
	InvalidInstanceTypeValueUnauthorizedUser                    = def(401, "InvalidInstanceType.ValueUnauthorized", "The specified InstanceType is not authorized.")                            // a RAM user asks for a type restricted for the account
	InvalidInstanceTypeZoneNotSupported                         = def(403, "InvalidInstanceType.ZoneNotSupported", "The specified zone does not support this instancetype.")                    // the zone does not offer the type (RunInstances, CreateInstance docs); DescribePrice with a ZoneId
	InvalidInstanceTypeFamilyNotFound                           = def(404, "InvalidInstanceTypeFamily.NotFound", "The specified InstanceTypeFamily does not exist.")
	InvalidInternetChargeTypeValueNotSupported                  = def(400, "InvalidInternetChargeType.ValueNotSupported", "The specified InternetChargeType is not valid.")
	InvalidInternetChargeTypeValueNotSupportedFilter            = def(404, "InvalidInternetChargeType.ValueNotSupported", "The specified InternetChargeType is not valid") // DescribeInstances: a filter value
	InvalidNextToken                                            = def(400, "InvalidNextToken", "The specified NextToken is not valid.")
	InvalidOperationEniCountExceeded                            = def(403, "InvalidOperation.EniCountExceeded", "%s")
	InvalidOperationExceedInstanceTypeQueueNumber               = def(403, "InvalidOperation.ExceedInstanceTypeQueueNumber", "%s")
	InvalidOperationInstanceRenewWithDowngradeInPlan            = def(400, "InvalidOperation.InstanceRenewWithDowngradeInPlan", "The operation is denied due to the specified instance has renew with downgrade record in plan.")
	InvalidOperationIpv4CountExceeded                           = def(403, "InvalidOperation.Ipv4CountExceeded", "%s")
	InvalidOperationIpv4NotSupport                              = def(403, "InvalidOperation.Ipv4NotSupport", "%s")
	InvalidOperationIpv6CountExceeded                           = def(403, "InvalidOperation.Ipv6CountExceeded", "%s")
	InvalidOperationIpv6NotSupport                              = def(403, "InvalidOperation.Ipv6NotSupport", "%s")
	InvalidOperationMaxEniQueueNumberExceeded                   = def(403, "InvalidOperation.MaxEniQueueNumberExceeded", "%s")
	InvalidOperationMaxModifyOnlineNumberExceeded               = def(403, "InvalidOperation.MaxModifyOnlineNumberExceeded", "The specified instance has reached the maximum number of modify online attempts and needs to be rebooted.")
	InvalidOperationOSTypeNotSupported                          = def(403, "InvalidOperation.OSTypeNotSupported", "The specified OS type is not supported.")
	InvalidOperationOnlineModificationUnsupported               = def(400, "InvalidOperation.OnlineModificationUnsupported", "Online modification of instance type is not supported for the specified instance due to its CPU topology.")
	InvalidOperationRebootingRequired                           = def(403, "InvalidOperation.RebootingRequired", "The specified instance needs to be rebooted.")
	InvalidOperationStarterPackage                              = def(403, "InvalidOperation.StarterPackage", "StarterPackage not support modification.")
	InvalidOperationVpcHasEnabledAdvancedNetworkFeature         = def(400, "InvalidOperation.VpcHasEnabledAdvancedNetworkFeature", "The specified vpc has enabled advanced network feature.")
	InvalidOrderIDNotFound                                      = def(404, "InvalidOrderId.NotFound", "The specified OrderId does not exist.")
	InvalidParamCores                                           = def(403, "InvalidParam.Cores", "The specified parameter 'Cores' should be empty")
	InvalidParamMemory                                          = def(403, "InvalidParam.Memory", "The specified parameter 'Memory' should be empty")
	InvalidParamTypeAndCpuMemConflict                           = def(403, "InvalidParam.TypeAndCpuMem.Conflict", "The specified 'InstanceType' and 'Cores','Memory' are not blank at the same time.")
	InvalidParameter                                            = def(400, "InvalidParameter", "%s")
	InvalidParameterCommentsLength                              = def(400, "InvalidParameter.Comments.Length", "The parameter - \"Comments\" beyond the length limit.")
	InvalidParameterDescriptionLength                           = def(400, "InvalidParameter.Description.Length", "The parameter - \"Description\" beyond the length limit.")
	InvalidParameterDiskCategory                                = def(400, "InvalidParameter.DiskCategory", "The specified parameter Disk.Category is not valid.")
	InvalidParameterDisplayNameLength                           = def(400, "InvalidParameter.DisplayName.Length", "The parameter - \"DisplayName\" beyond the length limit.")
	InvalidParameterFormat                                      = def(400, "InvalidParameter.Format", "Specified parameter format is not valid.") // Format other than JSON or XML
	InvalidParameterInstanceId                                  = def(403, "InvalidParameter.InstanceId", "%s")
	InvalidParameterInvalidEniQueueNumber                       = def(403, "InvalidParameter.InvalidEniQueueNumber", "%s")
	InvalidParameterPolicyDocumentLength                        = def(400, "InvalidParameter.PolicyDocument.Length", "The parameter - \"PolicyDocument\" beyond the length limit.")
	InvalidParameterPolicyNameInvalidChars                      = def(400, "InvalidParameter.PolicyName.InvalidChars", "The parameter - \"PolicyName\" contains invalid chars.")
	InvalidParameterPolicyNameLength                            = def(400, "InvalidParameter.PolicyName.Length", "The parameter - \"PolicyName\" beyond the length limit.")
	InvalidParameterPolicyType                                  = def(400, "InvalidParameter.PolicyType", "The parameter - \"PolicyType\" must be System or Custom.")
	InvalidParameterStatus                                      = def(400, "InvalidParameter.Status", "The parameter - \"Status\" must be Active or Inactive.")
	InvalidParameterUserNameInvalidChars                        = def(400, "InvalidParameter.UserName.InvalidChars", "The parameter - \"UserName\" contains invalid chars.")
	InvalidParameterUserNameLength                              = def(400, "InvalidParameter.UserName.Length", "The parameter - \"UserName\" beyond the length limit.")
	InvalidPayMethod                                            = def(403, "InvalidPayMethod", "The specified billing method is not valid.") // AutoPay=false for a PostPaid purchase, which is always paid on use
	InvalidPerformanceLevelMalformed                            = def(400, "InvalidPerformanceLevel.Malformed", "The specified parameter Disk.n.PerformanceLevel is not valid.")
	InvalidPeriod                                               = def(400, "InvalidPeriod", "The specified period is not valid.")
	InvalidPeriodUnitValueNotSupported                          = def(400, "InvalidPeriodUnit.ValueNotSupported", "The specified PeriodUnit is not valid.")
	InvalidPriceUnit                                            = def(400, "InvalidPriceUnit", "The specified PriceUnit is not valid.") // DescribePrice PriceUnit other than Hour, Month, Year
	InvalidRebootTimeMalFormed                                  = def(400, "InvalidRebootTime.MalFormed", "The specified rebootTime is not valid.")
	InvalidRebootTimeValueNotSupported                          = def(400, "InvalidRebootTime.ValueNotSupported", "The specified RebootTime is not valid.")
	InvalidRegionIdNotFound                                     = def(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist.")
	InvalidResourceTypeNotFound                                 = def(404, "InvalidResourceType.NotFound", "The specified ResourceType is not found.") // a ResourceType ecsd does not price
	InvalidResourceTypeNotSupported                             = def(403, "InvalidResourceType.NotSupported", "%s")
	InvalidSecurityGroupIDNotFound                              = def(404, "InvalidSecurityGroupId.NotFound", "The specified SecurityGroupId does not exist.")
	InvalidSignatureMethod                                      = def(400, "InvalidSignatureMethod", "Specified signature method is not valid.")
	InvalidSnapshot                                             = def(400, "InvalidSnapshot", "%s")                                        // admin API: a snapshot that cannot be loaded; the message says where and what
	InvalidStatusNotFound                                       = def(404, "InvalidStatus.NotFound", "The specified Status is not found.") // DescribeInstances Status filter
	InvalidStatusNotStopped                                     = def(400, "InvalidStatus.NotStopped", "Instance status must be stopped.")
	InvalidSystemDiskCategoryNotMatchInstanceType               = def(400, "InvalidSystemDiskCategory.NotMatchInstanceType", "The system disk category does not match the instance type.")
	InvalidSystemDiskCategoryValueNotSupported                  = def(400, "InvalidSystemDiskCategory.ValueNotSupported", "The specified parameter SystemDisk.Category is not valid.")
	InvalidTimeStampExpired                                     = def(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired.") // more than 15 minutes from the wall clock
	InvalidTimeStampFormat                                      = def(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted.")
	InvalidUserPassRoleForbidden                                = def(403, "InvalidUser.PassRoleForbidden", "The RAM user does not have privilege to pass a role.")
	InvalidUserDataBase64FormatInvalid                          = def(400, "InvalidUserData.Base64FormatInvalid", "The specified UserData is not valid base64 format.")
	InvalidVSwitchIDNotFound                                    = def(404, "InvalidVSwitchId.NotFound", "The specified VSwitchId does not exist.")
	InvalidVSwitchIDIpNotEnough                                 = def(400, "InvalidVSwitchId.IpNotEnough", "The specified VSwitch has not enough IpAddress.")
	InvalidVersion                                              = def(400, "InvalidVersion", "Specified parameter Version is not valid.") // status not documented; 400 as for other bad parameters
	InvalidZoneIDNotFound                                       = def(404, "InvalidZoneId.NotFound", "The specified zone does not exist.")
	LastOrderProcessing                                         = def(400, "LastOrderProcessing", "The previous order is still processing, please try again later.")
	LimitExceededPolicy                                         = def(409, "LimitExceeded.Policy", "The count of policies beyond the limit.")
	LimitExceededPolicyVersion                                  = def(409, "LimitExceeded.Policy.Version", "The count of policy versions beyond the limit.") // at most 5 versions per policy
	LimitExceededUser                                           = def(409, "LimitExceeded.User", "The count of users beyond the limit.")
	LimitExceededUserAccessKey                                  = def(409, "LimitExceeded.User.AccessKey", "The count of access keys for the user beyond the limit.") // at most 2 keys per user
	LimitedOperationServiceUnavailable                          = def(503, "LimitedOperation.ServiceUnavailable", "The service is currently unavailable. Please try again later.")
	MalformedPolicyDocument                                     = def(400, "MalformedPolicyDocument", "%s") // the message says what is wrong and where
	MissingParameter                                            = def(400, "MissingParameter", "The input parameter \"%s\" that is mandatory for processing this request is not supplied.")
	MissingParameterDiskCategory                                = def(400, "MissingParameter.DiskCategory", "The specified parameter Disk.Category can not be null when Disk.DiskId is specified.")
	MissingParameterInstanceTypeOrDataDisk                      = def(400, "MissingParameter.InstanceTypeOrDataDisk", "The input parameter InstanceType or DataDisk that is mandatory for processing this request is not supplied.")
	MissingParamter                                             = def(400, "MissingParamter", "The specified parameter \"Period\" is not null.") // the typo is ECS's own: RunInstances without Period for PrePaid
	NoPermission                                                = def(403, "NoPermission", "You are not authorized to do this action.")          // a RAM user denied a RAM action
	NoPermissionPrice                                           = def(400, "NoPermission.Price", "The operation requires price permission. Please either apply for permission from your main account, or set the parameter AutoPay as true.")
	NoPermissionRefund                                          = def(400, "NoPermission.Refund", "The operation requires refund permission. Please apply for permission from your main account.")
	OperationDeniedAccount                                      = def(400, "OperationDenied", "The current user does not support this operation.") // the account lacks a privilege (for example downgrades disabled)
	OperationDenied                                             = def(403, "OperationDenied", "%s")                                                // a denial whose reason is given in the message
	OperationDeniedImageNotValid                                = def(403, "OperationDenied.ImageNotValid", "The specified image is not authorized.")
	OperationDeniedLocalDiskUnsupported                         = def(403, "OperationDenied.LocalDiskUnsupported", "The configuration change is not allowed when the specified instance has local disks mounted.")
	OperationDeniedNoStock                                      = def(403, "OperationDenied.NoStock", "The specified instance is out of usage.")
	OperationDeniedUnpaidOrder                                  = def(403, "OperationDenied.UnpaidOrder", "The specified instance has unpaid order.")
	OrderCreationFailed                                         = def(400, "OrderCreationFailed", "Order creation failed, please check your params and try it again later.")
	PriceNotFound                                               = def(400, "PriceNotFound", "The price of the specified resource is not found.") // DescribeInstanceModificationPrice: ecsd has no price for subscription data disks
	QuotaExceedDiskCapacity                                     = def(400, "QuotaExceed.DiskCapacity", "The used capacity of disk type has exceeded the quota in the zone, %s.")
	QuotaExceedElasticQuota                                     = def(403, "QuotaExceed.ElasticQuota", "No additional quota is available for the specified ECS instance type.")
	QuotaExceedRufundVcpu                                       = def(400, "QuotaExceed.RufundVcpu", "The maximum number of refunded vcpu is exceeded: %s .")
	ServiceUnavailable                                          = def(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server.") // the store cannot answer now: connection lost or refused, shutting down, disk full, read-only, locked
	SignatureDoesNotMatch                                       = def(400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation.")      // v1 messages end with " server string to sign is:<StringToSign>"
	SignatureNonceUsed                                          = def(400, "SignatureNonceUsed", "Specified signature nonce was used already.")
	Throttling                                                  = def(400, "Throttling", "You have made too many requests within a short time; your request is denied due to request throttling.") // a per-API (account and action) rate limit; the exact code Terraform retries
	ThrottlingInstance                                          = def(403, "Throttling", "You have made too many requests within a short time; your request is denied due to request throttling.") // changes of one instance closer together than the minimum interval
	ThrottlingUser                                              = def(400, "Throttling.User", "Request was denied due to user flow control.")                                                      // the per-account limit over all actions
	Unauthorized                                                = def(401, "Unauthorized", "The admin token is missing or wrong: send Authorization: Bearer <token>.")                             // admin API
	UnsupportedHTTPMethod                                       = def(400, "UnsupportedHTTPMethod", "This http method is not supported.")                                                          // sources differ (400/403); 400 like other request-shape errors
)

// The VPC product (2016-04-28) and ECS security groups.
var (
	AuthorizationLimitExceed           = def(403, "AuthorizationLimitExceed", "The limit of authorization records in the security group reaches the maximum.")
	DependencyViolation                = def(400, "DependencyViolation", "%s")                                                          // DeleteVSwitch: the vSwitch still has instances
	DependencyViolationInUse           = def(403, "DependencyViolation", "There is still instance(s) in the specified security group.") // DeleteSecurityGroup: the group has instances or another group's rules name it
	DependencyViolationSecurityGroup   = def(400, "DependencyViolation.SecurityGroup", "Specified VPC still has security groups.")
	DependencyViolationVSwitch         = def(400, "DependencyViolation.VSwitch", "Specified VPC still has vSwitches.")
	IncorrectVSwitchStatus             = def(400, "IncorrectVSwitchStatus", "The current status of virtual switch does not support this operation.")
	IncorrectVpcStatus                 = def(400, "IncorrectVpcStatus", "Current VPC status does not support this operation.")
	InstanceSecurityGroupLimitExceeded = def(400, "InstanceSecurityGroupLimitExceeded", "Exceeding the allowed amount of security groups that an instance can be in.")
	InstanceLastSecurityGroup          = def(403, "InstanceLastSecurityGroup", "The security group can't be removed, as instance must be in at least one security group.")
	InvalidCidrBlockMalformed          = def(400, "InvalidCidrBlock.Malformed", "Specified CIDR block is not valid.")
	InvalidCidrBlockOverlapped         = def(400, "InvalidCidrBlock.Overlapped", "Specified CIDR block overlapped with other subnets.")
	InvalidDestCidrIpMalformed         = def(400, "InvalidDestCidrIp.Malformed", "The specified parameter \"DestCidrIp\" is not valid.")
	InvalidInstanceIDAlreadyExists     = def(403, "InvalidInstanceId.AlreadyExists", "The specified instance already exists in the specified security group.")
	InvalidInstanceIDMismatch          = def(400, "InvalidInstanceId.Mismatch", "Specified instance and security group are not in the same VPC.")
	InvalidIpProtocolMalformed         = def(400, "InvalidIpProtocol.Malformed", "The specified parameter \"IpProtocol\" is not valid.")
	InvalidNicTypeValueNotSupported    = def(400, "InvalidNicType.ValueNotSupported", "The specified NicType is not valid.")
	InvalidPolicyMalformed             = def(400, "InvalidPolicy.Malformed", "The specified parameter \"Policy\" is not valid.")
	InvalidPortRangeMalformed          = def(400, "InvalidPortRange.Malformed", "The specified parameter \"PortRange\" is not valid.")
	InvalidPriorityMalformed           = def(400, "InvalidPriority.Malformed", "The parameter Priority is invalid.")
	InvalidPrivateIPAddressDuplicated  = def(400, "InvalidPrivateIpAddress.Duplicated", "Specified private IP address is duplicated.")
	InvalidPrivateIPAddressMalformed   = def(400, "InvalidPrivateIpAddress.Malformed", "Specified private IP address is malformed.")
	InvalidPrivateIPAddressMismatch    = def(400, "InvalidPrivateIpAddress.Mismatch", "Specified private IP address is not in the CIDR block of virtual switch.")
	InvalidSecurityGroupNameMalformed  = def(400, "InvalidSecurityGroupName.Malformed", "Specified security group name is not valid.")
	InvalidSourceCidrIpMalformed       = def(400, "InvalidSourceCidrIp.Malformed", "The specified parameter \"SourceCidrIp\" is not valid.")
	InvalidVSwitchIDNotFoundMalformed  = def(400, "InvalidVSwitchId.NotFound", "The specified VSwitchId does not exist.") // an id that is not a vSwitch id at all
	InvalidVSwitchNameMalformed        = def(400, "InvalidVSwitchName.Malformed", "Specified virtual switch name is not valid.")
	InvalidVpcIDNotFound               = def(404, "InvalidVpcId.NotFound", "Specified VPC does not exist.")
	InvalidVpcNameMalformed            = def(400, "InvalidVpcName.Malformed", "Specified VPC name is not valid.")
	InvalidZoneIDNotFoundVSwitch       = def(400, "InvalidZoneId.NotFound", "Specified zone does not exist.") // CreateVSwitch: a zone outside the VPC's region
	OperationUnsupported               = def(400, "OperationUnsupported", "%s")                               // a documented parameter value that ecsd does not model (IPv6, IPAM, prefix lists)
	QuotaExceedSecurityGroup           = def(400, "QuotaExceed.SecurityGroup", "The maximum number of security groups is exceeded.")
	QuotaExceededVSwitch               = def(400, "QuotaExceeded.VSwitch", "Virtual switch quota exceeded.")
	QuotaExceededVpc                   = def(400, "QuotaExceeded.Vpc", "VPC quota exceeded.")
)

// Rows of ModifyInstanceChargeType, ModifyInstanceSpec, ModifyInstanceAttribute,
// DeleteInstance's release protection and the tag actions, with the statuses
// their API docs give.
var (
	AccountArrearageForbidden            = def(403, "Account.Arrearage", "Your account has an outstanding payment.") // ModifyInstanceChargeType sends it with 403
	DuplicateTagKey                      = def(400, "Duplicate.TagKey", "The Tag.N.Key contain duplicate key.")
	ExpiredInstance                      = def(400, "ExpiredInstance", "The specified instance has expired.")
	InstancesIdQuotaExceed               = def(400, "InstancesIdQuotaExceed", "The maximum number of Instances is exceeded.")
	InvalidAccountStatusNotEnoughBalance = def(403, "InvalidAccountStatus.NotEnoughBalance", "Your account does not have enough balance.")
	InvalidDescriptionMalformed          = def(400, "InvalidDescription.Malformed", "The specified parameter \"Description\" is not valid.")
	InvalidHostNameMalformed             = def(400, "InvalidHostName.Malformed", "The specified parameter \"HostName\" is not valid.")
	InvalidInstanceNameMalformed         = def(400, "InvalidInstanceName.Malformed", "The specified parameter \"InstanceName\" is not valid.")
	InvalidInstanceStatusNotStopped      = def(400, "InvalidInstanceStatus.NotStopped", "The specified Instance status is not stopped.")
	InvalidOperationDeletionProtection   = def(403, "InvalidOperation.DeletionProtection", "%s")
	InvalidParameterCreditSpecification  = def(400, "InvalidParameter.CreditSpecification", "The specified CreditSpecification is not supported in this region.")
	InvalidParameterInstanceIds          = def(400, "InvalidParameter.InstanceIds", "The specified InstanceIds are invalid.")
	InvalidParameterRecycleBin           = def(400, "InvalidParameter.RecycleBin", "You do not have permission to set recyclable properties.")
	InvalidPasswordMalformed             = def(400, "InvalidPassword.Malformed", "The specified parameter \"Password\" is not valid.")
	InvalidPeriodUnitMismatch            = def(400, "InvalidPeriod.UnitMismatch", "The specified Period must be correlated with the PeriodUnit.")
	InvalidResourceIdNotFound            = def(404, "InvalidResourceId.NotFound", "The specified ResourceIds are not found in our records.")
	InvalidStatusValueNotSupported       = def(400, "InvalidStatus.ValueNotSupported", "%s")
	InvalidTagKeyMalformed               = def(400, "InvalidTagKey.Malformed", "The specified Tag.n.Key is not valid.")
	InvalidTagValueMalformed             = def(400, "InvalidTagValue.Malformed", "The specified Tag.n.Value is not valid.")
	InvalidUserDataSizeExceeded          = def(400, "InvalidUserData.SizeExceeded", "The specified parameter \"UserData\" exceeds the size.")
	MissingParameterResourceType         = def(404, "MissingParameter.ResourceType", "The parameter - ResourceType should not be null")
	MissingParameterTags                 = def(404, "MissingParameter.Tags", "The parameter - Tags should not be null")
	NumberExceedResourceIds              = def(400, "NumberExceed.ResourceIds", "The ResourceIds parameter's number is exceed , Valid : 50")
	NumberExceedTags                     = def(400, "NumberExceed.Tags", "The Tags parameter's number is exceed , Valid : 20")
	OperationDeniedQuotaExceed           = def(400, "OperationDenied.QuotaExceed", "The quota of tags on resource is beyond permitted range.")
)

// Rows of RunInstances' lifecycle and disk parameters, of
// ModifyInstanceAutoReleaseTime and of DeleteDisk, with the statuses their
// API docs give.
var (
	IncorrectDiskStatus                                = def(403, "IncorrectDiskStatus", "The current disk status does not support this operation.")
	InvalidAutoReleaseTimeMalformed                    = def(400, "InvalidAutoReleaseTime.Malformed", "The specified parameter AutoReleaseTime is not valid.")
	InvalidDataDeviceMalformed                         = def(400, "InvalidDataDevice.Malformed", "The specified parameter \"DataDisk.n.Device\" is not valid.")
	InvalidDeviceInUse                                 = def(403, "InvalidDevice.InUse", "The specified device has been occupied.")
	InvalidDiskIdNotFound                              = def(404, "InvalidDiskId.NotFound", "The specified disk does not exist.")
	InvalidDiskDescriptionMalformed                    = def(400, "InvalidDiskDescription.Malformed", "The specified parameter \"SystemDisk.DiskDescription\" or \"DataDisk.n.Description\" is not valid.")
	InvalidDiskNameMalformed                           = def(400, "InvalidDiskName.Malformed", "The specified parameter \"SystemDisk.DiskName or DataDisk.n.DiskName\" is not valid.")
	InvalidSpotDuration                                = def(400, "InvalidSpotDuration", "The specified SpotDuration is not valid.")
	InvalidSpotInterruptionBehavior                    = def(400, "InvalidSpotInterruptionBehavior", "%s")
	InvalidSpotInterruptionBehaviorLocalDiskNotSupport = def(403, "InvalidSpotInterruptionBehavior.LocalDiskNotSupport", "The specified SpotInterruptionBehavior does not support local disk instance.")
	InvalidSpotPrepaid                                 = def(400, "InvalidSpotPrepaid", "The specified Spot type is not support PrePay Instance.")
	InvalidSpotPriceLimit                              = def(400, "InvalidSpotPriceLimit", "The specified SpotPriceLimitis not valid.")
	InvalidSpotStrategy                                = def(400, "InvalidSpotStrategy", "The specified SpotStrategy is not valid.")
)

// Key pairs, resource groups, and what RunInstances sets about an
// instance's identity and metadata service.
var (
	DependencyViolationWindowsInstance         = def(403, "DependencyViolation.WindowsInstance", "The instance creating is window, cannot use ssh key pair to login.")
	InvalidHttpEndpointNotSupported            = def(400, "InvalidHttpEndpoint.NotSupported", "The specified HttpEndpoint not supported, you can use enabled(default) or disabled.")
	InvalidHttpPutResponseHopLimitNotSupported = def(400, "InvalidHttpPutResponseHopLimit.NotSupported", "The specified HttpPutResponseHopLimit not supported, more than 1 and less than 64 is reasonable.")
	InvalidHttpTokensNotSupported              = def(400, "InvalidHttpTokens.NotSupported", "The specified HttpTokens not supported, you can use optional(default) or required.")
	InvalidKeyPairNameMalformed                = def(400, "InvalidKeyPairName.Malformed", "Specified Key Pair name is not valid.")
	InvalidKeyPairNameNotFound                 = def(404, "InvalidKeyPairName.NotFound", "The specified KeyPairName does not exist in our records.")
	InvalidParameterConflict                   = def(400, "InvalidParameter.Conflict", "%s")
	InvalidPublicKeyBodyMalformed              = def(400, "InvalidPublicKeyBody.Malformed", "The PublicKeyBody format is not supported.")
	InvalidResourceGroupNotFound               = def(404, "InvalidResourceGroup.NotFound", "The ResourceGroup provided does not exist in our records.")
	KeyPairAlreadyExist                        = def(400, "KeyPair.AlreadyExist", "The key pair already exist.")
	QuotaExceedKeyPair                         = def(403, "QuotaExceed.KeyPair", "The key pair quota exceeds.")
)
