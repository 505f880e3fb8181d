import Foundation
import Testing

/// Prometheus's scrape and rule files and Grafana's provisioning and dashboard: they parse,
/// they point at each other and at the worker, and they use only the contract's metric names.
@Suite("Prometheus and Grafana configuration")
struct MonitoringConfigTests {
    @Test("every YAML and JSON file in compose/ parses")
    func parses() throws {
        let yaml = RepositoryFiles.files(under: "compose", extensions: ["yml", "yaml"])
        #expect(yaml.count >= 6, "found \(yaml)")
        for path in yaml { _ = try RepositoryFiles.yamlMapping(path) }
        let json = RepositoryFiles.files(under: "compose", extensions: ["json"])
        #expect(!json.isEmpty)
        for path in json { _ = try RepositoryFiles.jsonObject(path) }
    }

    @Test("Prometheus discovers every worker replica by the service's DNS name on the worker's port")
    func scrape() throws {
        let config = try RepositoryFiles.yamlMapping("compose/prometheus/prometheus.yml")
        let jobs = try #require(config["scrape_configs"] as? [[String: Any]])
        let job = try #require(jobs.first { $0["job_name"] as? String == "fraudstream-worker" })
        #expect((job["metrics_path"] as? String ?? "/metrics") == "/metrics")
        let discovery = try #require((job["dns_sd_configs"] as? [[String: Any]])?.first)
        #expect(discovery["names"] as? [String] == ["worker"])
        #expect(discovery["type"] as? String == "A")
        #expect(discovery["port"] as? Int == 8080)
        for path in ComposeFile.paths {
            let compose = try ComposeFile(path)
            #expect(compose.services["worker"] != nil, "\(path): Prometheus looks up a service named worker")
            #expect(ComposeFile.environment(try compose.service("worker"))["FRAUDSTREAM_HTTP_PORT"] == "\(discovery["port"] ?? "")")
        }
        #expect(config["rule_files"] as? [String] == ["/etc/prometheus/alerts.yml"])
    }

    @Test("alert rules are well formed and use only the contract's metrics")
    func alerts() throws {
        let rules = try Self.alertRules()
        #expect(rules.count >= 5)
        for rule in rules {
            let name = try #require(rule["alert"] as? String)
            let expression = try #require(rule["expr"] as? String, "\(name) has no expr")
            #expect((rule["annotations"] as? [String: Any])?["summary"] != nil, "\(name) has no summary")
            let names = PromQLSeriesNames.names(in: expression)
            #expect(!names.isEmpty, "\(name): \(expression)")
            for series in names {
                #expect(MetricContract.allows(series), "\(name) uses \(series), which is not a contract metric")
            }
        }
    }

    @Test("Grafana's datasource is the compose Prometheus, under the uid every panel uses")
    func datasource() throws {
        let provisioning = try RepositoryFiles.yamlMapping("compose/grafana/provisioning/datasources/prometheus.yml")
        let source = try #require((provisioning["datasources"] as? [[String: Any]])?.first)
        #expect(source["type"] as? String == "prometheus")
        #expect(source["url"] as? String == "http://prometheus:9090")
        let uid = try #require(source["uid"] as? String)
        let panels = try Self.panels()
        #expect(!panels.isEmpty)
        for panel in panels where panel["type"] as? String != "row" {
            let title = panel["title"] as? String ?? "?"
            #expect((panel["datasource"] as? [String: Any])?["uid"] as? String == uid, "panel \(title)")
            for target in panel["targets"] as? [[String: Any]] ?? [] {
                #expect((target["datasource"] as? [String: Any])?["uid"] as? String == uid, "panel \(title)")
            }
        }
        let dashboards = try RepositoryFiles.yamlMapping("compose/grafana/provisioning/dashboards/fraudstream.yml")
        let provider = try #require((dashboards["providers"] as? [[String: Any]])?.first)
        #expect(provider["type"] as? String == "file")
        let folder = try #require((provider["options"] as? [String: Any])?["path"] as? String)
        for path in ComposeFile.paths {
            let grafana = try ComposeFile(path).service("grafana")
            #expect(ComposeFile.bindMounts(grafana).contains { $0.container == folder && $0.host == "./grafana/dashboards" },
                    "\(path): the dashboards provider reads \(folder), which must be compose/grafana/dashboards")
        }
    }

    @Test("the dashboard's panels are laid out, uniquely numbered and each query something")
    func dashboardStructure() throws {
        let dashboard = try RepositoryFiles.jsonObject("compose/grafana/dashboards/fraudstream.json")
        #expect(dashboard["uid"] as? String != nil)
        #expect((dashboard["schemaVersion"] as? Int ?? 0) >= 36)
        let panels = try Self.panels()
        let ids = panels.compactMap { $0["id"] as? Int }
        #expect(ids.count == panels.count && Set(ids).count == ids.count, "panel ids must be unique")
        for panel in panels {
            let grid = try #require(panel["gridPos"] as? [String: Int], "panel \(panel["title"] ?? "?") has no gridPos")
            #expect((grid["x"] ?? -1) >= 0 && (grid["x"] ?? 0) + (grid["w"] ?? 0) <= 24 && (grid["h"] ?? 0) > 0)
            if panel["type"] as? String != "row" {
                let targets = panel["targets"] as? [[String: Any]] ?? []
                #expect(!targets.isEmpty && targets.allSatisfy { !($0["expr"] as? String ?? "").isEmpty }, "panel \(panel["title"] ?? "?")")
            }
        }
    }

    @Test("the dashboard shows throughput, flagged, latency p50/p99, lag and checkpoint age per partition, rejected, sink duration and readiness, with contract names only")
    func dashboardQueries() throws {
        let expressions = try Self.panels().flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        for expression in expressions {
            for series in PromQLSeriesNames.names(in: expression) {
                #expect(MetricContract.allows(series), "the dashboard uses \(series), which is not a contract metric: \(expression)")
            }
        }
        func shows(_ fragment: String) -> Bool { expressions.contains { $0.contains(fragment) } }
        #expect(shows("rate(fraudstream_transactions_scored_total"))
        #expect(shows("rate(fraudstream_transactions_flagged_total"))
        #expect(shows("histogram_quantile(0.5, sum by (le) (rate(fraudstream_end_to_end_latency_seconds_bucket"))
        #expect(shows("histogram_quantile(0.99, sum by (le) (rate(fraudstream_end_to_end_latency_seconds_bucket"))
        #expect(shows("by (partition) (fraudstream_consumer_lag)"))
        #expect(shows("by (partition) (fraudstream_checkpoint_age_seconds)"))
        #expect(shows("fraudstream_messages_rejected_total"))
        #expect(shows("fraudstream_sink_write_duration_seconds_bucket"))
        #expect(shows("fraudstream_assigned_partitions") && shows("fraudstream_database_available"))
    }

    @Test("the dashboard's and the alert rules' readiness bound is the workers' FRAUDSTREAM_READY_MAX_LAG")
    func readinessBound() throws {
        let expressions = try Self.panels().flatMap { ($0["targets"] as? [[String: Any]] ?? []).compactMap { $0["expr"] as? String } }
        let ready = try #require(expressions.first { $0.contains("fraudstream_assigned_partitions > 0") }, "no readiness panel")
        let bound = try #require(ready.firstMatch(of: /fraudstream_consumer_lag\)\s*<\s*(\d+)/).map { String($0.1) })
        let alert = try #require(try Self.alertRules().first { $0["alert"] as? String == "FraudstreamLagGrowing" }?["expr"] as? String)
        #expect(alert.contains("> \(bound)"), "FraudstreamLagGrowing: \(alert)")
        for path in ComposeFile.paths {
            let worker = ComposeFile.environment(try ComposeFile(path).service("worker"))
            #expect(worker["FRAUDSTREAM_READY_MAX_LAG"] == bound, "\(path): the dashboard counts a worker ready below \(bound) records of lag")
        }
    }

    static func panels() throws -> [[String: Any]] {
        let dashboard = try RepositoryFiles.jsonObject("compose/grafana/dashboards/fraudstream.json")
        let top = dashboard["panels"] as? [[String: Any]] ?? []
        return top + top.flatMap { $0["panels"] as? [[String: Any]] ?? [] }
    }

    static func alertRules() throws -> [[String: Any]] {
        let file = try RepositoryFiles.yamlMapping("compose/prometheus/alerts.yml")
        let groups = file["groups"] as? [[String: Any]] ?? []
        return groups.flatMap { $0["rules"] as? [[String: Any]] ?? [] }
    }
}
