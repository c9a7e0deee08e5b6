#include "weir/core/configuration.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "weir/core/exceptions.h"
#include "weir/core/options.h"

namespace weir {

enum class TestBackend { kHashMap, kRocksDb };

template <>
struct ConfigEnum<TestBackend> {
    static constexpr std::pair<TestBackend, const char*> values[] = {
        {TestBackend::kHashMap, "hashmap"}, {TestBackend::kRocksDb, "rocksdb"}};
};

namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const auto kParallelism = option<int32_t>("parallelism.default", 1, "Default parallelism.");
const auto kMaxRecords = option<int64_t>("test.max-records", 10, "Records to read.");
const auto kFraction = option<double>("test.fraction", 0.4, "A fraction.");
const auto kObjectReuse = option<bool>("pipeline.object-reuse", false, "Reuse records.");
const auto kName = option<std::string>("pipeline.name", "job", "The job name.");
const auto kInterval = option<Duration>("execution.checkpointing.interval", 0ms, "Interval.");
const auto kBuffer = option<MemorySize>("test.buffer", MemorySize::ofKibiBytes(32), "Buffer.");
const auto kBackend = option<TestBackend>("state.backend.type", TestBackend::kHashMap, "Backend.");
const auto kCheckpointDir =
    optionWithoutDefault<std::string>("execution.checkpointing.dir", "Checkpoint directory.")
        .withFallbackKeys({"state.checkpoints.dir", "state.checkpoint.dir"});

// Runs `f`, which must throw ConfigException, and returns its message.
template <class F>
std::string configError(F&& f) {
    try {
        f();
    } catch (const ConfigException& e) {
        return e.what();
    }
    ADD_FAILURE() << "no ConfigException was thrown";
    return "";
}

// ---- MemorySize ---------------------------------------------------------------------------------

TEST(MemorySize, BareNumberIsBytes) {
    EXPECT_EQ(MemorySize::parse("0").bytes(), 0u);
    EXPECT_EQ(MemorySize::parse("512").bytes(), 512u);
}

TEST(MemorySize, AcceptsEveryUnitName) {
    for (const char* t : {"3b", "3bytes"}) EXPECT_EQ(MemorySize::parse(t).bytes(), 3u) << t;
    for (const char* t : {"3k", "3kb", "3kibibytes"})
        EXPECT_EQ(MemorySize::parse(t).bytes(), 3u << 10) << t;
    for (const char* t : {"3m", "3mb", "3mebibytes"})
        EXPECT_EQ(MemorySize::parse(t).bytes(), 3u << 20) << t;
    for (const char* t : {"3g", "3gb", "3gibibytes"})
        EXPECT_EQ(MemorySize::parse(t).bytes(), uint64_t{3} << 30) << t;
    for (const char* t : {"3t", "3tb", "3tebibytes"})
        EXPECT_EQ(MemorySize::parse(t).bytes(), uint64_t{3} << 40) << t;
}

TEST(MemorySize, UnitsAreCaseInsensitiveAndMayFollowWhitespace) {
    EXPECT_EQ(MemorySize::parse("32KB"), MemorySize::ofKibiBytes(32));
    EXPECT_EQ(MemorySize::parse("64 mb"), MemorySize::ofMebiBytes(64));
    EXPECT_EQ(MemorySize::parse("1G").bytes(), uint64_t{1} << 30);
    EXPECT_EQ(MemorySize::parse("  2 Tb  ").bytes(), uint64_t{2} << 40);
    EXPECT_EQ(MemorySize::parse("100 Bytes").bytes(), 100u);
}

TEST(MemorySize, ToStringUsesLargestExactLowerCaseUnit) {
    EXPECT_EQ(MemorySize::ofKibiBytes(32).toString(), "32kb");
    EXPECT_EQ(MemorySize(uint64_t{1} << 30).toString(), "1gb");
    EXPECT_EQ(MemorySize(100).toString(), "100b");
    EXPECT_EQ(MemorySize(0).toString(), "0b");
    EXPECT_EQ(MemorySize(1536).toString(), "1536b");
    EXPECT_EQ(MemorySize::ofMebiBytes(1536).toString(), "1536mb");
    EXPECT_EQ(MemorySize(uint64_t{5} << 40).toString(), "5tb");
}

TEST(MemorySize, ToStringRoundTripsThroughParse) {
    for (uint64_t bytes : {uint64_t{0}, uint64_t{1}, uint64_t{1024}, uint64_t{3} << 20,
                           uint64_t{7} << 40, std::numeric_limits<uint64_t>::max()}) {
        EXPECT_EQ(MemorySize::parse(MemorySize(bytes).toString()).bytes(), bytes);
    }
}

TEST(MemorySize, BadInputIsRejectedNamingTheText) {
    EXPECT_THAT(configError([] { MemorySize::parse("-1kb"); }),
                HasSubstr("invalid memory size '-1kb': a memory size cannot be negative"));
    EXPECT_THAT(configError([] { MemorySize::parse("lots"); }),
                HasSubstr("'lots': it does not start with a number"));
    EXPECT_THAT(configError([] { MemorySize::parse("12 parsecs"); }),
                HasSubstr("unknown size unit 'parsecs'"));
    EXPECT_THAT(configError([] { MemorySize::parse(""); }), HasSubstr("empty"));
    EXPECT_THROW(MemorySize::parse("1.5gb"), ConfigException);
    EXPECT_THROW(MemorySize::parse("1 kb extra"), ConfigException);
}

TEST(MemorySize, OverflowIsRejected) {
    EXPECT_THAT(configError([] { MemorySize::parse("18446744073709551616"); }),
                HasSubstr("too large"));
    EXPECT_THAT(configError([] { MemorySize::parse("16777216tb"); }),
                HasSubstr("does not fit in 64 bits"));
    EXPECT_EQ(MemorySize::parse("16777215tb").bytes(), uint64_t{16777215} << 40);
}

// ---- ConfigValue --------------------------------------------------------------------------------

TEST(ConfigValue, BoolAcceptsOnlyTrueOrFalseInAnyCase) {
    EXPECT_TRUE(ConfigValue<bool>::parse("true"));
    EXPECT_TRUE(ConfigValue<bool>::parse("TRUE"));
    EXPECT_FALSE(ConfigValue<bool>::parse("False"));
    for (const char* t : {"yes", "1", "on", "", "truee"}) {
        EXPECT_THAT(configError([t] { ConfigValue<bool>::parse(t); }),
                    HasSubstr("expected 'true' or 'false'"))
            << t;
    }
    EXPECT_EQ(ConfigValue<bool>::format(true), "true");
    EXPECT_EQ(ConfigValue<bool>::format(false), "false");
}

TEST(ConfigValue, Int32ParsesFullRangeAndRejectsGarbageAndOverflow) {
    EXPECT_EQ(ConfigValue<int32_t>::parse("42"), 42);
    EXPECT_EQ(ConfigValue<int32_t>::parse("+7"), 7);
    EXPECT_EQ(ConfigValue<int32_t>::parse("-2147483648"), std::numeric_limits<int32_t>::min());
    EXPECT_EQ(ConfigValue<int32_t>::parse("2147483647"), std::numeric_limits<int32_t>::max());
    EXPECT_THAT(configError([] { ConfigValue<int32_t>::parse("12abc"); }),
                HasSubstr("'12abc' is not a 32-bit integer"));
    EXPECT_THAT(configError([] { ConfigValue<int32_t>::parse("2147483648"); }),
                HasSubstr("'2147483648' is out of range for a 32-bit integer"));
    for (const char* t : {"", "1.0", "0x10", "+-1", "- 1", "1 2"})
        EXPECT_THROW(ConfigValue<int32_t>::parse(t), ConfigException) << t;
    EXPECT_EQ(ConfigValue<int32_t>::format(-5), "-5");
}

TEST(ConfigValue, Int64ParsesFullRangeAndRejectsOverflow) {
    EXPECT_EQ(ConfigValue<int64_t>::parse("9223372036854775807"),
              std::numeric_limits<int64_t>::max());
    EXPECT_THAT(configError([] { ConfigValue<int64_t>::parse("9223372036854775808"); }),
                HasSubstr("out of range for a 64-bit integer"));
    EXPECT_THROW(ConfigValue<int64_t>::parse("10 records"), ConfigException);
    EXPECT_EQ(ConfigValue<int64_t>::format(int64_t{1} << 40), "1099511627776");
}

TEST(ConfigValue, DoubleRequiresTheWholeTextToBeANumber) {
    EXPECT_DOUBLE_EQ(ConfigValue<double>::parse("0.75"), 0.75);
    EXPECT_DOUBLE_EQ(ConfigValue<double>::parse("1e-3"), 0.001);
    EXPECT_DOUBLE_EQ(ConfigValue<double>::parse("-2"), -2.0);
    EXPECT_DOUBLE_EQ(ConfigValue<double>::parse("+2.5"), 2.5);
    EXPECT_THAT(configError([] { ConfigValue<double>::parse("0.5x"); }),
                HasSubstr("'0.5x' is not a number"));
    EXPECT_THAT(configError([] { ConfigValue<double>::parse("1e999"); }),
                HasSubstr("out of range"));
    EXPECT_THROW(ConfigValue<double>::parse(""), ConfigException);
    EXPECT_THROW(ConfigValue<double>::parse("half"), ConfigException);
}

TEST(ConfigValue, DoubleFormatRoundTrips) {
    for (double v : {0.1, 1.0 / 3.0, 1e20, -0.5, 0.0}) {
        EXPECT_EQ(ConfigValue<double>::parse(ConfigValue<double>::format(v)), v);
    }
    EXPECT_EQ(ConfigValue<double>::format(0.25), "0.25");
}

TEST(ConfigValue, EnumMatchesNamesCaseInsensitively) {
    EXPECT_EQ(ConfigValue<TestBackend>::parse("rocksdb"), TestBackend::kRocksDb);
    EXPECT_EQ(ConfigValue<TestBackend>::parse("RocksDB"), TestBackend::kRocksDb);
    EXPECT_EQ(ConfigValue<TestBackend>::format(TestBackend::kHashMap), "hashmap");
    EXPECT_EQ(configError([] { ConfigValue<TestBackend>::parse("memory"); }),
              "'memory' is not one of: hashmap, rocksdb");
}

// ---- Configuration: typed access ----------------------------------------------------------------

TEST(Configuration, GetReturnsTheDefaultWhenUnset) {
    Configuration conf;
    EXPECT_EQ(conf.get(kParallelism), 1);
    EXPECT_EQ(conf.get(kBuffer), MemorySize::ofKibiBytes(32));
    EXPECT_EQ(conf.get(kBackend), TestBackend::kHashMap);
    EXPECT_EQ(conf.getOptional(kParallelism), std::nullopt);
    EXPECT_FALSE(conf.contains(kParallelism));
}

TEST(Configuration, RequiredOptionThatIsUnsetThrowsNamingTheKey) {
    Configuration conf;
    EXPECT_THAT(configError([&] { conf.get(kCheckpointDir); }),
                StartsWith("configuration key 'execution.checkpointing.dir' is required but not "
                           "set"));
}

TEST(Configuration, SetThenGetRoundTripsEveryValueType) {
    Configuration conf;
    conf.set(kParallelism, 8)
        .set(kMaxRecords, int64_t{1} << 40)
        .set(kFraction, 0.125)
        .set(kObjectReuse, true)
        .set(kName, "word count")
        .set(kInterval, 5s)
        .set(kBuffer, MemorySize::ofMebiBytes(64))
        .set(kBackend, TestBackend::kRocksDb);
    EXPECT_EQ(conf.get(kParallelism), 8);
    EXPECT_EQ(conf.get(kMaxRecords), int64_t{1} << 40);
    EXPECT_EQ(conf.get(kFraction), 0.125);
    EXPECT_TRUE(conf.get(kObjectReuse));
    EXPECT_EQ(conf.get(kName), "word count");
    EXPECT_EQ(conf.get(kInterval), 5s);
    EXPECT_EQ(conf.get(kBuffer), MemorySize::ofMebiBytes(64));
    EXPECT_EQ(conf.get(kBackend), TestBackend::kRocksDb);
}

TEST(Configuration, SetStoresTheCanonicalText) {
    Configuration conf;
    conf.set(kInterval, 2min).set(kBuffer, MemorySize::ofKibiBytes(2048)).set(kObjectReuse, true);
    conf.set(kBackend, TestBackend::kRocksDb);
    EXPECT_EQ(conf.getString("execution.checkpointing.interval"), "2min");
    EXPECT_EQ(conf.getString("test.buffer"), "2mb");
    EXPECT_EQ(conf.getString("pipeline.object-reuse"), "true");
    EXPECT_EQ(conf.getString("state.backend.type"), "rocksdb");
}

TEST(Configuration, StringValuesAreParsedOnGet) {
    Configuration conf;
    conf.setString("execution.checkpointing.interval", "10 s");
    conf.setString("test.buffer", "64 MB");
    conf.setString("state.backend.type", "ROCKSDB");
    EXPECT_EQ(conf.get(kInterval), 10s);
    EXPECT_EQ(conf.get(kBuffer), MemorySize::ofMebiBytes(64));
    EXPECT_EQ(conf.get(kBackend), TestBackend::kRocksDb);
}

TEST(Configuration, BadValueMessageNamesValueKeyAndReason) {
    Configuration conf;
    conf.setString("parallelism.default", "abc");
    EXPECT_THAT(configError([&] { conf.get(kParallelism); }),
                StartsWith("invalid value 'abc' for configuration key 'parallelism.default': "
                           "'abc' is not a 32-bit integer"));
    EXPECT_THROW(conf.getOptional(kParallelism), ConfigException);
}

TEST(Configuration, BadEnumValueListsTheAllowedNames) {
    Configuration conf;
    conf.setString("state.backend.type", "memory");
    EXPECT_EQ(configError([&] { conf.get(kBackend); }),
              "invalid value 'memory' for configuration key 'state.backend.type': 'memory' is not "
              "one of: hashmap, rocksdb");
}

TEST(Configuration, BadDurationMessageNamesTheKey) {
    Configuration conf;
    conf.setString("execution.checkpointing.interval", "often");
    EXPECT_THAT(configError([&] { conf.get(kInterval); }),
                HasSubstr("for configuration key 'execution.checkpointing.interval': invalid "
                          "duration 'often'"));
}

TEST(Configuration, FallbackKeyIsReadWhenTheKeyIsUnset) {
    Configuration conf;
    conf.setString("state.checkpoints.dir", "file:///old");
    EXPECT_TRUE(conf.contains(kCheckpointDir));
    EXPECT_FALSE(conf.contains("execution.checkpointing.dir"));
    EXPECT_EQ(conf.get(kCheckpointDir), "file:///old");
}

TEST(Configuration, KeyWinsOverFallbackKeys) {
    Configuration conf;
    conf.setString("state.checkpoints.dir", "file:///old");
    conf.setString("execution.checkpointing.dir", "file:///new");
    EXPECT_EQ(conf.get(kCheckpointDir), "file:///new");
}

TEST(Configuration, FirstSetFallbackKeyWins) {
    Configuration conf;
    conf.setString("state.checkpoint.dir", "file:///second");
    EXPECT_EQ(conf.get(kCheckpointDir), "file:///second");
    conf.setString("state.checkpoints.dir", "file:///first");
    EXPECT_EQ(conf.get(kCheckpointDir), "file:///first");
}

TEST(Configuration, BadValueUnderFallbackKeyNamesTheFallbackKey) {
    const auto interval = kInterval.withFallbackKeys({"execution.checkpointing.old-interval"});
    Configuration conf;
    conf.setString("execution.checkpointing.old-interval", "-1s");
    EXPECT_THAT(configError([&] { conf.get(interval); }),
                HasSubstr("configuration key 'execution.checkpointing.old-interval'"));
}

TEST(Configuration, SetWritesTheKeyNotTheFallbackKey) {
    Configuration conf;
    conf.set(kCheckpointDir, "s3://bucket/cp");
    EXPECT_EQ(conf.getString("execution.checkpointing.dir"), "s3://bucket/cp");
    EXPECT_FALSE(conf.contains("state.checkpoints.dir"));
}

TEST(Configuration, StringAccessContainsAndRemove) {
    Configuration conf;
    EXPECT_EQ(conf.getString("a.b"), std::nullopt);
    conf.setString("a.b", "1").setString("a.b", "2");
    EXPECT_EQ(conf.getString("a.b"), "2");
    EXPECT_TRUE(conf.contains("a.b"));
    EXPECT_TRUE(conf.remove("a.b"));
    EXPECT_FALSE(conf.remove("a.b"));
    EXPECT_FALSE(conf.contains("a.b"));
    EXPECT_TRUE(conf.entries().empty());
}

TEST(Configuration, EmptyKeyIsRejected) {
    Configuration conf;
    EXPECT_THAT(configError([&] { conf.setString("", "4"); }), HasSubstr("key is empty"));
}

TEST(Configuration, AddAllLetsTheOtherConfigurationWin) {
    Configuration base;
    base.setString("a", "base").setString("b", "base");
    Configuration over;
    over.setString("b", "over").setString("c", "over");
    base.addAll(over);
    EXPECT_EQ(base.getString("a"), "base");
    EXPECT_EQ(base.getString("b"), "over");
    EXPECT_EQ(base.getString("c"), "over");
    EXPECT_EQ(over.entries().size(), 2u);
}

TEST(Configuration, YamlThenCommandLineThenApiInIncreasingPrecedence) {
    Configuration conf = Configuration::fromYamlString(
        "parallelism.default: 2\npipeline:\n  name: from-yaml\n  object-reuse: true\n");
    const char* argv[] = {"job", "-D", "pipeline.name=from-cli", "-p", "3"};
    conf.addAll(Configuration::fromCommandLine(5, argv));
    conf.set(kParallelism, 4);
    EXPECT_EQ(conf.get(kParallelism), 4);
    EXPECT_EQ(conf.get(kName), "from-cli");
    EXPECT_TRUE(conf.get(kObjectReuse));
}

// ---- Configuration: YAML ------------------------------------------------------------------------

TEST(ConfigurationYaml, NestedMapsAreFlattenedWithDots) {
    Configuration conf = Configuration::fromYamlString(R"(
taskmanager:
  numberOfTaskSlots: 4
  memory:
    process.size: 1728m
execution.checkpointing:
  interval: 10 s
parallelism.default: 2
)");
    EXPECT_EQ(conf.entries(), (std::map<std::string, std::string, std::less<>>{
                                  {"execution.checkpointing.interval", "10 s"},
                                  {"parallelism.default", "2"},
                                  {"taskmanager.memory.process.size", "1728m"},
                                  {"taskmanager.numberOfTaskSlots", "4"}}));
    EXPECT_EQ(conf.get(kInterval), 10s);
}

TEST(ConfigurationYaml, ScalarsKeepTheirText) {
    Configuration conf = Configuration::fromYamlString(
        "a: 1.50\nb: TRUE\nc: 'quoted: text'\nd: \"0x10\"\ne: ''\nf: |\n  two\n  lines\n");
    EXPECT_EQ(conf.getString("a"), "1.50");
    EXPECT_EQ(conf.getString("b"), "TRUE");
    EXPECT_EQ(conf.getString("c"), "quoted: text");
    EXPECT_EQ(conf.getString("d"), "0x10");
    EXPECT_EQ(conf.getString("e"), "");
    EXPECT_EQ(conf.getString("f"), "two\nlines\n");
}

TEST(ConfigurationYaml, SequencesAreKeptAsFlowText) {
    Configuration conf = Configuration::fromYamlString(R"(
block:
  - a
  - b
flow: [x, y, 3]
empty: []
quoted: ["a,b", c]
nested:
  - name: kafka
    topics: [t1, t2]
  - plain
)");
    EXPECT_EQ(conf.getString("block"), "[a, b]");
    EXPECT_EQ(conf.getString("flow"), "[x, y, 3]");
    EXPECT_EQ(conf.getString("empty"), "[]");
    EXPECT_EQ(conf.getString("quoted"), "[\"a,b\", c]");
    EXPECT_EQ(conf.getString("nested"), "[{name: kafka, topics: [t1, t2]}, plain]");
}

TEST(ConfigurationYaml, NullValuesLeaveTheKeyUnset) {
    Configuration conf = Configuration::fromYamlString("a:\nb: ~\nc: null\nd: {}\ne: set\n");
    EXPECT_EQ(conf.entries().size(), 1u);
    EXPECT_EQ(conf.getString("e"), "set");
}

TEST(ConfigurationYaml, EmptyOrCommentOnlyDocumentGivesEmptyConfiguration) {
    EXPECT_TRUE(Configuration::fromYamlString("").entries().empty());
    EXPECT_TRUE(Configuration::fromYamlString("# nothing here\n").entries().empty());
}

TEST(ConfigurationYaml, SyntaxErrorNamesSourceLineAndColumn) {
    std::string message =
        configError([] { Configuration::fromYamlString("a: b\n  c: d\n", "conf/config.yaml"); });
    EXPECT_THAT(message, HasSubstr("invalid YAML in 'conf/config.yaml' at line 2, column 4"));
    EXPECT_THAT(message, HasSubstr("illegal map value"));
}

TEST(ConfigurationYaml, UnclosedFlowSequenceNamesLineAndColumn) {
    std::string message = configError([] { Configuration::fromYamlString("a: [b, c\nd: e\n"); });
    EXPECT_THAT(message, HasSubstr("'<string>' at line 2, column 2"));
}

TEST(ConfigurationYaml, TopLevelMustBeAMap) {
    EXPECT_THAT(configError([] { Configuration::fromYamlString("- a\n- b\n", "x.yaml"); }),
                HasSubstr("'x.yaml' at line 1, column 1: the top level must be a map"));
    EXPECT_THROW(Configuration::fromYamlString("just a scalar"), ConfigException);
}

TEST(ConfigurationYaml, NonScalarKeyIsRejectedWithItsPosition) {
    EXPECT_THAT(configError([] { Configuration::fromYamlString("ok: 1\n? [a, b]\n: 2\n"); }),
                HasSubstr("at line 2, column 3: a key must be a non-empty plain string"));
}

// ---- Configuration: files and the default location ----------------------------------------------

// Gives each test a fresh temporary folder; restores WEIR_CONF_DIR and the working directory.
struct ConfigurationFiles : public ::testing::Test {
    void SetUp() override {
        if (const char* old = std::getenv("WEIR_CONF_DIR")) oldConfDir_ = old;
        oldCwd_ = std::filesystem::current_path();
        std::string pattern =
            (std::filesystem::temp_directory_path() / "weir-config-test-XXXXXX").string();
        ASSERT_NE(mkdtemp(pattern.data()), nullptr);
        dir_ = pattern;
    }
    void TearDown() override {
        if (oldConfDir_) {
            setenv("WEIR_CONF_DIR", oldConfDir_->c_str(), 1);
        } else {
            unsetenv("WEIR_CONF_DIR");
        }
        std::filesystem::current_path(oldCwd_);
        if (!dir_.empty()) std::filesystem::remove_all(dir_);
    }
    static void write(const std::filesystem::path& file, const std::string& text) {
        std::filesystem::create_directories(file.parent_path());
        std::ofstream(file) << text;
    }

    std::filesystem::path dir_;
    std::optional<std::string> oldConfDir_;
    std::filesystem::path oldCwd_;
};

TEST_F(ConfigurationFiles, FromYamlFileReadsTheFile) {
    write(dir_ / "config.yaml", "parallelism:\n  default: 6\n");
    EXPECT_EQ(Configuration::fromYamlFile((dir_ / "config.yaml").string()).get(kParallelism), 6);
}

TEST_F(ConfigurationFiles, EmptyFileGivesEmptyConfiguration) {
    write(dir_ / "config.yaml", "");
    EXPECT_TRUE(Configuration::fromYamlFile((dir_ / "config.yaml").string()).entries().empty());
}

TEST_F(ConfigurationFiles, FromYamlFileSyntaxErrorNamesTheFile) {
    std::string path = (dir_ / "config.yaml").string();
    write(path, "a: 1\nb: [\n");
    EXPECT_THAT(configError([&] { Configuration::fromYamlFile(path); }),
                HasSubstr("invalid YAML in '" + path + "' at line "));
}

TEST_F(ConfigurationFiles, MissingFileThrowsNamingThePath) {
    std::string path = (dir_ / "absent.yaml").string();
    EXPECT_THAT(configError([&] { Configuration::fromYamlFile(path); }),
                HasSubstr("cannot read configuration file '" + path + "'"));
    EXPECT_THAT(configError([&] { Configuration::fromYamlFile(dir_.string()); }),
                HasSubstr("is a directory"));
}

TEST_F(ConfigurationFiles, LoadDefaultReadsConfigYamlInWeirConfDir) {
    write(dir_ / "config.yaml", "state:\n  checkpoints.dir: file:///tmp/cp\n");
    setenv("WEIR_CONF_DIR", dir_.c_str(), 1);
    Configuration conf = Configuration::loadDefault();
    EXPECT_EQ(conf.get(kCheckpointDir), "file:///tmp/cp");
}

TEST_F(ConfigurationFiles, LoadDefaultWithoutAFileGivesEmptyConfiguration) {
    setenv("WEIR_CONF_DIR", dir_.c_str(), 1);
    EXPECT_TRUE(Configuration::loadDefault().entries().empty());
}

TEST_F(ConfigurationFiles, LoadDefaultReportsABrokenFile) {
    write(dir_ / "config.yaml", "a: b\n  c: d\n");
    setenv("WEIR_CONF_DIR", dir_.c_str(), 1);
    EXPECT_THAT(configError([] { Configuration::loadDefault(); }), HasSubstr("config.yaml"));
}

TEST_F(ConfigurationFiles, LoadDefaultFallsBackToConfFolderInWorkingDirectory) {
    unsetenv("WEIR_CONF_DIR");
    std::filesystem::current_path(dir_);
    EXPECT_TRUE(Configuration::loadDefault().entries().empty());
    write(dir_ / "conf" / "config.yaml", "pipeline.name: local\n");
    EXPECT_EQ(Configuration::loadDefault().get(kName), "local");
}

// ---- Configuration: command line ----------------------------------------------------------------

Configuration parseArgs(std::vector<const char*> args, std::vector<std::string>* remaining) {
    args.insert(args.begin(), "weir-job");
    return Configuration::fromCommandLine(static_cast<int>(args.size()), args.data(), remaining);
}

TEST(ConfigurationCommandLine, ReadsDynamicPropertiesInBothForms) {
    Configuration conf = parseArgs(
        {"-D", "pipeline.name=a=b", "-Dstate.backend.type=rocksdb", "-D", "empty="}, nullptr);
    EXPECT_EQ(conf.getString("pipeline.name"), "a=b");
    EXPECT_EQ(conf.get(kBackend), TestBackend::kRocksDb);
    EXPECT_EQ(conf.getString("empty"), "");
}

TEST(ConfigurationCommandLine, EveryParallelismFlagSetsParallelismDefault) {
    EXPECT_EQ(parseArgs({"--parallelism", "3"}, nullptr).get(kParallelism), 3);
    EXPECT_EQ(parseArgs({"-p", "4"}, nullptr).get(kParallelism), 4);
    EXPECT_EQ(parseArgs({"--parallelism=5"}, nullptr).get(kParallelism), 5);
}

TEST(ConfigurationCommandLine, LaterArgumentWins) {
    EXPECT_EQ(parseArgs({"-p", "2", "-D", "parallelism.default=7"}, nullptr).get(kParallelism), 7);
    EXPECT_EQ(parseArgs({"-Dparallelism.default=7", "-p", "2"}, nullptr).get(kParallelism), 2);
}

TEST(ConfigurationCommandLine, UnknownArgumentsAreReturnedInOrderWithoutArgv0) {
    std::vector<std::string> remaining;
    Configuration conf = parseArgs(
        {"--input", "in.txt", "-p", "2", "run", "-Dk=v", "--output=out", "-x"}, &remaining);
    EXPECT_THAT(remaining, ElementsAre("--input", "in.txt", "run", "--output=out", "-x"));
    EXPECT_EQ(conf.entries().size(), 2u);
}

TEST(ConfigurationCommandLine, NoArgumentsGiveEmptyConfiguration) {
    std::vector<std::string> remaining;
    const char* argv[] = {"weir-job"};
    EXPECT_TRUE(Configuration::fromCommandLine(1, argv, &remaining).entries().empty());
    EXPECT_TRUE(Configuration::fromCommandLine(0, nullptr, &remaining).entries().empty());
    EXPECT_TRUE(remaining.empty());
}

TEST(ConfigurationCommandLine, DynamicPropertyWithoutEqualsNamesTheArgument) {
    EXPECT_THAT(configError([] { parseArgs({"-Dparallelism.default"}, nullptr); }),
                HasSubstr("'-Dparallelism.default': expected -D key=value"));
    EXPECT_THAT(configError([] {
                    parseArgs({"-D", "pipeline.name"}, nullptr);
                }),
                HasSubstr("'-D pipeline.name'"));
    EXPECT_THAT(configError([] { parseArgs({"-D=4"}, nullptr); }), HasSubstr("'-D=4'"));
}

TEST(ConfigurationCommandLine, MissingValuesNameTheArgument) {
    EXPECT_THAT(configError([] { parseArgs({"-D"}, nullptr); }),
                HasSubstr("'-D': it needs a key=value"));
    EXPECT_THAT(configError([] { parseArgs({"-p"}, nullptr); }),
                HasSubstr("'-p': it needs a number"));
    EXPECT_THAT(configError([] { parseArgs({"--parallelism"}, nullptr); }),
                HasSubstr("'--parallelism'"));
}

TEST(ConfigurationCommandLine, ParallelismMustBeAPositiveInteger) {
    EXPECT_THAT(configError([] {
                    parseArgs({"-p", "many"}, nullptr);
                }),
                HasSubstr("'-p many': 'many' is not a 32-bit integer"));
    EXPECT_THAT(configError([] { parseArgs({"--parallelism=0"}, nullptr); }),
                HasSubstr("'--parallelism=0': the parallelism must be a positive number"));
    EXPECT_THROW(parseArgs({"--parallelism="}, nullptr), ConfigException);
    EXPECT_THROW(parseArgs({"-p", "-1"}, nullptr), ConfigException);
}

}  // namespace
}  // namespace weir

namespace weir {
namespace {

TEST(UnknownKeys, KeysUnderFlinkAndWeirPrefixesThatNoOptionReadsAreReportedWithTheNearest) {
    Configuration c;
    c.setString("parallelism.default", "2");
    c.setString("pipeline.auto-watermark-intervall", "1s");  // typo
    c.setString("state.backend", "rocksdb");                 // a known fallback key
    c.setString("my.app.setting", "x");                      // not under a watched prefix
    c.setString("taskmanager.memory.jvm-metaspace.size", "1g");
    auto warnings = unknownKeyWarnings(c, options::engineKeys());
    // state.backend is a checkpointing key: not in engineKeys, so it is reported too.
    ASSERT_EQ(warnings.size(), 3u);
    std::string all = warnings[0] + "\n" + warnings[1] + "\n" + warnings[2];
    EXPECT_NE(all.find("'pipeline.auto-watermark-intervall'"), std::string::npos) << all;
    EXPECT_NE(all.find("did you mean 'pipeline.auto-watermark-interval'?"), std::string::npos)
        << all;
    EXPECT_NE(all.find("'taskmanager.memory.jvm-metaspace.size' is not an option"),
              std::string::npos)
        << all;
    EXPECT_EQ(all.find("my.app.setting"), std::string::npos) << all;
    EXPECT_EQ(all.find("'parallelism.default'"), std::string::npos) << all;
}

}  // namespace
}  // namespace weir
