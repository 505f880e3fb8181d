import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing

@Suite("The page, its assets, and a database that cannot answer")
struct PageAndAvailabilityTests {
    @Test("/ serves the page, which loads the script and style sheet served with their content types")
    func pageAndAssets() async throws {
        try await DashboardTestServer.with { server, _, _ in
            let page = try await server.get("/")
            #expect(page.status == 200)
            #expect(page.headers["content-type"] == "text/html; charset=utf-8")
            #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
            #expect(page.text.contains(#"<script src="/assets/dashboard.js" defer></script>"#))
            #expect(page.text.contains(#"<link rel="stylesheet" href="/assets/dashboard.css">"#))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"), "the page loads nothing from elsewhere")
            for id in ["chart-scored", "chart-flagged", "chart-quality", "chart-fraud", "chart-rejected", "flagged-rows", "workers"] {
                #expect(page.text.contains(#"id="\#(id)""#), "no element \(id)")
            }

            let script = try await server.get("/assets/dashboard.js")
            #expect(script.status == 200)
            #expect(script.headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(script.text.contains("/api/throughput") && script.text.contains("/api/workers"))
            #expect(!script.text.contains("https://"), "no CDN")

            #expect(page.text.contains(#"<script src="/assets/charts.js" defer></script>"#))
            let charts = try await server.get("/assets/charts.js")
            #expect(charts.status == 200)
            #expect(charts.headers["content-type"] == "text/javascript; charset=utf-8")
            #expect(charts.text.contains("window.FraudstreamCharts") && !charts.text.contains("https://"))

            let style = try await server.get("/assets/dashboard.css")
            #expect(style.status == 200)
            #expect(style.headers["content-type"] == "text/css; charset=utf-8")
            #expect(style.text.contains(".chart"))
            #expect(!style.text.contains("@import") && !style.text.contains("url("), "no external fonts or images")

            let missing = try await server.get("/assets/missing.js")
            #expect(missing.status == 404)
        }
    }

    @Test("an unmigrated schema: 503 saying to migrate")
    func unmigratedSchema() async throws {
        try await DashboardTestServer.with(migrate: false) { server, _, schema in
            let answer = try await server.get("/api/flagged")
            #expect(answer.status == 503)
            #expect(try answer.error() == "schema \"\(schema)\" has no fraudstream tables yet: start a worker or run `fraudstream migrate --schema \(schema)`")
        }
    }

    @Test("no database at the address: 503 saying it is unavailable, and the page still loads")
    func databaseDown() async throws {
        let closedPort = try ClosedPort().port
        try await DashboardTestServer.with(database: "postgres://nobody@127.0.0.1:\(closedPort)/none?connect_timeout=2") { server, _, _ in
            for path in ["/api/throughput", "/api/workers"] {
                let answer = try await server.get(path)
                #expect(answer.status == 503, "\(path): \(answer.text)")
                let message = try answer.error()
                #expect(message.hasPrefix("the database is unavailable: "), "\(message)")
                #expect(message.contains("127.0.0.1:\(closedPort)"), "\(message)")
            }
            #expect(try await server.get("/").status == 200)
        }
    }
}

/// A loopback port nothing listens on: bound, then released.
struct ClosedPort {
    let port: Int

    init() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        port = Int(UInt16(bigEndian: address.sin_port))
    }
}
