package pages

// ConfidentialityPolicyVersion names the version of the confidentiality
// policy at /confidentiality. An application records the version its
// applicant said they had read, so change this whenever the policy's
// substance changes.
const ConfidentialityPolicyVersion = "2026-11"
