import Foundation

/// The CPU time a process has used so far (user and system, all its threads), from
/// /proc/<pid>/stat: steadier than messages per second on a machine the load generator shares,
/// and it says what a message costs the gateway.
struct ProcessCPU {
    let pid: Int32

    /// Seconds of CPU, or nil where /proc is not there to tell.
    func seconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.range(of: ")", options: .backwards) else { return nil }
        // After "pid (name)": state is field 3, utime field 14 and stime field 15.
        let fields = stat[afterName.upperBound...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}
