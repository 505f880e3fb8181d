import FraudCore
import Testing

/// The schema names every position of the vector exactly once.
@Suite struct FeatureSchemaTests {
    @Test func namesAreUniqueAndMatchTheVectorWidth() {
        let schema = FeatureSchema.current
        #expect(Set(schema.featureNames).count == schema.featureNames.count)
        #expect(schema.width == FeatureSchema.width)
        #expect(FeatureVector().count == schema.width)
        #expect(MemoryLayout<FeatureVector>.size == schema.width * MemoryLayout<Double>.size)
        #expect(schema.featureNames.allSatisfy { name in name.allSatisfy { $0.isLowercase || $0 == "_" } })
    }

    @Test func nameAndVersionAreExposed() {
        #expect(FeatureSchema.current.name == "fraudstream-features")
        #expect(FeatureSchema.current.version == 2)
    }

    @Test func featuresAreFoundByName() {
        let schema = FeatureSchema.current
        for feature in FeatureSchema.Feature.allCases {
            #expect(schema.index(of: feature.name) == feature.rawValue)
        }
        #expect(schema.index(of: "no_such_feature") == nil)
    }

    @Test func vectorsReadByNameAndPosition() {
        var vector = FeatureVector()
        vector[.minuteCount] = 3
        #expect(vector[FeatureSchema.Feature.minuteCount.rawValue] == 3)
        #expect(vector.values.filter { $0 != 0 } == [3])
        #expect(vector.description.contains("minute_count=3.0"))
    }

    @Test func invalidConfigurationsAreRefusedWithTheFieldName() {
        var configuration = FeatureConfiguration()
        configuration.dayVersions = 0
        #expect(throws: FeatureConfigurationError.self) { try FeatureEngine(configuration: configuration) }
        do {
            _ = try FeatureEngine(configuration: configuration)
        } catch {
            #expect(error.description == "dayVersions must be between 1 and 16, got 0")
        }
        var lateness = FeatureConfiguration()
        lateness.allowedLateness = .seconds(-1)
        #expect(throws: FeatureConfigurationError.self) { try FeatureEngine(configuration: lateness) }
    }
}
