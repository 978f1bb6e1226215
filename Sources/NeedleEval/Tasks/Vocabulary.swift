/// Built-in lists that needle keys and values are drawn from. The prose lexicon of the built-in
/// haystack (Haystack/ProseLexicon.swift) shares no word with these, so a key never appears in the
/// haystack by accident.
public enum Vocabulary {
    /// 100 city names: the keys of the YOCO / Kamradt pass-key task.
    public static let cities: [String] = [
        "Tokyo", "Delhi", "Shanghai", "Dhaka", "Cairo", "Beijing", "Mumbai", "Osaka", "Chongqing",
        "Karachi", "Istanbul", "Kinshasa", "Lagos", "Manila", "Tianjin", "Guangzhou", "Lahore",
        "Moscow", "Shenzhen", "Bangalore", "Paris", "Jakarta", "Chennai", "Lima", "Bangkok", "Seoul",
        "Nagoya", "Hyderabad", "London", "Tehran", "Chicago", "Chengdu", "Nanjing", "Wuhan",
        "Luanda", "Ahmedabad", "Baghdad", "Riyadh", "Singapore", "Santiago", "Toronto", "Madrid",
        "Houston", "Khartoum", "Dallas", "Miami", "Philadelphia", "Atlanta", "Barcelona",
        "Johannesburg", "Berlin", "Sydney", "Melbourne", "Nairobi", "Casablanca", "Rome", "Kabul",
        "Hanoi", "Caracas", "Lisbon", "Athens", "Vienna", "Prague", "Budapest", "Warsaw", "Dublin",
        "Oslo", "Stockholm", "Helsinki", "Copenhagen", "Amsterdam", "Brussels", "Zurich", "Geneva",
        "Munich", "Hamburg", "Milan", "Naples", "Marseille", "Lyon", "Seville", "Valencia", "Porto",
        "Krakow", "Bucharest", "Sofia", "Belgrade", "Zagreb", "Kyiv", "Minsk", "Havana", "Montreal",
        "Vancouver", "Seattle", "Denver", "Boston", "Phoenix", "Auckland", "Wellington", "Reykjavik",
    ]

    /// 100 distinct concrete nouns used as word keys and word values.
    public static let words: [String] = [
        "anchor", "banjo", "cactus", "dolphin", "eclipse", "falcon", "glacier", "harbor", "igloo",
        "jaguar", "kettle", "lantern", "magnet", "nectar", "oyster", "pepper", "quartz", "raven",
        "saddle", "tulip", "umbrella", "violin", "walrus", "xylophone", "yogurt", "zeppelin",
        "almond", "biscuit", "canyon", "dagger", "emerald", "feather", "gondola", "hammock",
        "iceberg", "jasmine", "kayak", "lobster", "mango", "nutmeg", "orchid", "penguin", "quiver",
        "rhubarb", "sapphire", "trumpet", "unicorn", "volcano", "waffle", "yak", "zucchini",
        "acorn", "buffalo", "compass", "dragonfly", "espresso", "flamingo", "giraffe", "hedgehog",
        "ivory", "jellyfish", "koala", "lemonade", "meteor", "narwhal", "octopus", "pelican",
        "quokka", "rocket", "scorpion", "tangerine", "urchin", "vanilla", "wombat", "yarn",
        "zebra", "avocado", "blizzard", "cobra", "daisy", "eggplant", "fossil", "garlic", "hyena",
        "inkwell", "juniper", "kiwi", "lighthouse", "marble", "nugget", "ostrich", "pretzel",
        "quince", "reindeer", "sardine", "tornado", "utensil", "vulture", "whistle", "pinecone",
    ]
}
