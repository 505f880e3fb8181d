import Foundation

/// The page and its scripts and style sheet, read once from the module's resources and served
/// from memory.
struct DashboardAssets: Sendable {
    /// One file the page needs.
    struct Asset: Sendable {
        /// The path it is served at.
        var path: String
        /// Its `Content-Type`.
        var contentType: String
        /// Its bytes.
        var bytes: [UInt8]
    }

    /// The page, `charts.js` (the drawing), `dashboard.js` (the panels) and `dashboard.css`.
    let assets: [Asset]

    /// Reads the files from the `Assets` folder of the module's resource bundle.
    /// - Throws: `CocoaError` when the bundle lacks a file (an installation that left the
    ///   `fraudstream_Dashboard.resources` folder behind).
    init() throws {
        let files: [(name: String, path: String, contentType: String)] = [
            ("index.html", "/", "text/html; charset=utf-8"),
            ("charts.js", "/assets/charts.js", "text/javascript; charset=utf-8"),
            ("dashboard.js", "/assets/dashboard.js", "text/javascript; charset=utf-8"),
            ("dashboard.css", "/assets/dashboard.css", "text/css; charset=utf-8"),
        ]
        assets = try files.map { file in
            let name = file.name as NSString
            guard let url = Bundle.module.url(forResource: name.deletingPathExtension, withExtension: name.pathExtension, subdirectory: "Assets") else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: "Assets/\(file.name) in the Dashboard resource bundle"])
            }
            return Asset(path: file.path, contentType: file.contentType, bytes: Array(try Data(contentsOf: url)))
        }
    }
}
