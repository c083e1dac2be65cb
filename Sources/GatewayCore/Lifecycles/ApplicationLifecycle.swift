/// World §3 flow 1, steps 1–2: an application filed by customs and submitted to the licensing
/// authority; a re-submission only after SUPPLEMENT_REQUIRED, numbered one more than the last.
extension LicenceLifecycle {
    public typealias Filing = CaseTransition<ApplicationFacts>

    /// A submission filed: a new application is submission 1; a re-submission comes only after
    /// SUPPLEMENT_REQUIRED, numbered one more — otherwise `SUBMISSION_OUT_OF_SEQUENCE`. The
    /// status does not change until the authority takes it.
    public static func file(_ application: LicenceApplication, exists: Bool, status: CaseStatus?, facts: ApplicationFacts?) throws(GatewayError) -> Filing {
        let id = application.applicationId
        guard let facts else {
            guard !exists, application.submissionNo == 1 else {
                throw refusal("SUBMISSION_OUT_OF_SEQUENCE", "Application \(id) is new: its submissionNo must be 1, not \(application.submissionNo).",
                              field: "submissionNo")
            }
            return Filing(status: nil, facts: ApplicationFacts(submitted: application.submissionNo), entries: [])
        }
        guard status == .supplementRequired, application.submissionNo == facts.submitted + 1 else {
            throw refusal("SUBMISSION_OUT_OF_SEQUENCE",
                          "Application \(id) takes submission \(facts.submitted + 1) only after SUPPLEMENT_REQUIRED (it is \(status?.rawValue ?? "not yet applied")); this is submission \(application.submissionNo).",
                          field: "submissionNo")
        }
        var next = facts
        next.submitted = application.submissionNo
        return Filing(status: status, facts: next, entries: [])
    }

    /// World §1.5: the authority answered 202 to a submission — APPLIED.
    public static func applied(facts: ApplicationFacts?) -> Filing {
        Filing(status: .applied, facts: facts, entries: [TimelineEntry("applied", .applied)])
    }
}
