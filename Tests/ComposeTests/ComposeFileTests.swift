import Foundation
import Testing

/// compose/docker-compose.yml and compose/external.yml: the services, pinned images, the
/// worker's build, start order, health checks and the settings that must agree across files.
@Suite("compose files")
struct ComposeFileTests {
    @Test("the local stack has the broker, topics, PostgreSQL 15, migrate, worker, generator, Prometheus and Grafana")
    func services() throws {
        let compose = try ComposeFile("compose/docker-compose.yml")
        #expect(Set(compose.services.keys) == ["redpanda", "topics", "postgres", "migrate", "worker", "generator", "prometheus", "grafana"])
        let postgres = try compose.service("postgres")
        #expect((postgres["image"] as? String)?.hasPrefix("postgres:15") == true)
        #expect((try compose.service("redpanda")["image"] as? String)?.contains("redpandadata/redpanda:v") == true)
        let external = try ComposeFile("compose/external.yml")
        #expect(Set(external.services.keys) == ["migrate", "worker", "prometheus", "grafana"])
    }

    @Test("variables are interpolated as Compose does with none set, and $$ is an escaped $")
    func interpolation() {
        #expect(ComposeFile.interpolate("a ${X:-1} ${W-2} $${Y} ${Z:?set Z} ${V} $$1") == "a 1 2 ${Y} <Z> <V> $1")
    }

    @Test("every image names an explicit tag, never latest", arguments: ComposeFile.paths)
    func pinnedImages(path: String) throws {
        let compose = try ComposeFile(path)
        for (name, service) in compose.services {
            let image = try #require(service["image"] as? String, "\(path): \(name) has no image")
            let lastComponent = image.split(separator: "/").last.map(String.init) ?? image
            let parts = lastComponent.split(separator: ":")
            #expect(parts.count == 2 && parts[1] != "latest" && !parts[1].isEmpty, "\(path): \(name) uses \(image); pin a tag")
        }
    }

    @Test("the fraudstream services are built from compose/Dockerfile with the repository as context", arguments: ComposeFile.paths)
    func workerBuild(path: String) throws {
        let compose = try ComposeFile(path)
        #expect(compose.fraudstreamServices["worker"] != nil, "\(path): the worker must be built from compose/Dockerfile")
        for (name, service) in compose.fraudstreamServices {
            let build = try #require(service["build"] as? [String: Any])
            let context = try #require(build["context"] as? String)
            let contextURL = RepositoryFiles.url("compose").appendingPathComponent(context).standardizedFileURL
            #expect(contextURL.path == RepositoryFiles.root.standardizedFileURL.path, "\(path): \(name) builds in \(context), not the repository root")
            let dockerfile = try #require(build["dockerfile"] as? String)
            #expect(FileManager.default.fileExists(atPath: contextURL.appendingPathComponent(dockerfile).path))
            #expect(service["image"] as? String == "fraudstream:local", "\(path): \(name) should share one image")
            // One-shot and generator containers serve no HTTP, so the image's health check is off for them.
            let healthDisabled = (service["healthcheck"] as? [String: Any])?["disable"] as? Bool == true
            #expect(healthDisabled == (name != "worker"), "\(path): \(name): the image's /healthz check applies to the worker only")
        }
    }

    @Test("start order: dependencies exist, health conditions have health checks, one-shots complete", arguments: ComposeFile.paths)
    func startOrder(path: String) throws {
        let compose = try ComposeFile(path)
        for (name, service) in compose.services {
            for (dependency, condition) in ComposeFile.dependencies(service) {
                let target = try #require(compose.services[dependency], "\(path): \(name) depends on missing \(dependency)")
                #expect(["service_started", "service_healthy", "service_completed_successfully"].contains(condition))
                if condition == "service_healthy" {
                    let check = target["healthcheck"] as? [String: Any]
                    #expect(check?["test"] != nil, "\(path): \(name) waits for \(dependency) to be healthy, which has no health check")
                }
                if condition == "service_completed_successfully" {
                    #expect(target["restart"] as? String == "no", "\(path): \(dependency) is waited on to finish; it must not restart")
                }
            }
        }
        let worker = ComposeFile.dependencies(try compose.service("worker"))
        #expect(worker["migrate"] == "service_completed_successfully")
        if path == "compose/docker-compose.yml" {
            #expect(worker["redpanda"] == "service_healthy")
            #expect(worker["postgres"] == "service_healthy")
            #expect(worker["topics"] == "service_completed_successfully")
            #expect(ComposeFile.dependencies(try compose.service("generator"))["topics"] == "service_completed_successfully")
        }
    }

    @Test("the worker scales: no container name, a host port range or none, a drain-sized stop grace period", arguments: ComposeFile.paths)
    func scalableWorker(path: String) throws {
        let worker = try ComposeFile(path).service("worker")
        #expect(worker["container_name"] == nil)
        for port in worker["ports"] as? [String] ?? [] {
            let host = port.split(separator: ":").dropLast().last.map(String.init) ?? ""
            #expect(host.contains("-"), "\(path): worker port \(port) must give each replica its own host port (a range)")
            #expect(port.hasPrefix("127.0.0.1:"), "\(path): the dashboard has no login; publish it on loopback only")
        }
        let grace = try #require(worker["stop_grace_period"] as? String)
        let seconds = try #require(Int(grace.dropLast()))
        #expect(grace.hasSuffix("s") && seconds > 15, "stop_grace_period \(grace) must exceed the 15 s drain timeout")
    }

    @Test("the local worker reaches the broker's internal listener and the database's credentials; it serves HTTP on every interface")
    func workerSettings() throws {
        let compose = try ComposeFile("compose/docker-compose.yml")
        let environment = ComposeFile.environment(try compose.service("worker"))
        let broker = ComposeFile.command(try compose.service("redpanda"))
        #expect(broker.contains { $0.hasPrefix("--advertise-kafka-addr=") && $0.contains("internal://\(environment["KAFKA_BROKERS"] ?? "?")") })
        let postgres = ComposeFile.environment(try compose.service("postgres"))
        let url = try #require(environment["DATABASE_URL"].flatMap(URLComponents.init(string:)))
        #expect(url.host == "postgres")
        #expect(url.user == postgres["POSTGRES_USER"])
        #expect(url.password == postgres["POSTGRES_PASSWORD"])
        #expect(url.path == "/" + (postgres["POSTGRES_DB"] ?? "?"))
        #expect(ComposeFile.environment(try compose.service("migrate"))["DATABASE_URL"] == environment["DATABASE_URL"])
        #expect(ComposeFile.environment(try compose.service("generator"))["KAFKA_BROKERS"] == environment["KAFKA_BROKERS"])
        for path in ComposeFile.paths {
            let worker = ComposeFile.environment(try ComposeFile(path).service("worker"))
            #expect(worker["FRAUDSTREAM_HTTP_HOST"] == "0.0.0.0", "\(path): Prometheus scrapes from another container")
            #expect(worker["FRAUDSTREAM_HTTP_PORT"] == "8080", "\(path): the image's EXPOSE, health check and Prometheus use 8080")
        }
    }

    @Test("the topic step creates the worker's topics with enough partitions for three workers")
    func topics() throws {
        let compose = try ComposeFile("compose/docker-compose.yml")
        let topics = try compose.service("topics")
        let script = ComposeFile.command(topics).joined(separator: " ")
        for topic in ["transactions", "transaction_labels", "fraud_alerts", "transactions.dead_letters"] {
            #expect(script.contains("\(topic):") || script.contains("\"\(topic):"), "the topics step does not create \(topic)")
        }
        #expect(script.contains("rpk topic create"))
        let partitions = try #require(Int(ComposeFile.environment(topics)["TRANSACTION_PARTITIONS"] ?? ""))
        #expect(partitions >= 3)
        let generator = ComposeFile.command(try compose.service("generator"))
        #expect(generator.first == "generate")
        #expect(try compose.service("generator")["stop_signal"] as? String == "SIGINT", "the generator finishes cleanly on SIGINT, not SIGTERM")
    }

    @Test("bind mounts exist in compose/, and Prometheus and Grafana find their files where they are mounted", arguments: ComposeFile.paths)
    func mounts(path: String) throws {
        let compose = try ComposeFile(path)
        for (name, service) in compose.services {
            for mount in ComposeFile.bindMounts(service) where mount.host != "./certs" {
                #expect(RepositoryFiles.exists("compose/" + mount.host.dropFirst(2)), "\(path): \(name) mounts missing \(mount.host)")
            }
        }
        let prometheus = try compose.service("prometheus")
        let config = try #require(ComposeFile.command(prometheus).first { $0.hasPrefix("--config.file=") }?.dropFirst("--config.file=".count))
        let mounted = ComposeFile.bindMounts(prometheus)
        #expect(mounted.contains { $0.container == String(config) && $0.host == "./prometheus/prometheus.yml" })
        let rules = try RepositoryFiles.yamlMapping("compose/prometheus/prometheus.yml")["rule_files"] as? [String] ?? []
        for rule in rules {
            #expect(mounted.contains { $0.container == rule }, "\(path): rule file \(rule) is not mounted")
        }
        let grafana = try compose.service("grafana")
        let home = try #require(ComposeFile.environment(grafana)["GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH"])
        let dashboards = try #require(ComposeFile.bindMounts(grafana).first { home.hasPrefix($0.container + "/") })
        #expect(RepositoryFiles.exists("compose/" + dashboards.host.dropFirst(2) + home.dropFirst(dashboards.container.count)))
        #expect(ComposeFile.bindMounts(grafana).contains { $0.container == "/etc/grafana/provisioning" && $0.host == "./grafana/provisioning" })
    }
}
