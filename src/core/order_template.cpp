#include <onorder/order_template.hpp>

#include <string>

#include <fmt/format.h>

namespace onorder {

namespace {

// dataformats.md dateTime: RFC 3339 in UTC with `Z`, whole seconds.
std::string utc_date_time(std::chrono::system_clock::time_point now) {
    using namespace std::chrono;
    const auto seconds = floor<std::chrono::seconds>(now);
    const auto day = floor<days>(seconds);
    const year_month_day date{day};
    const hh_mm_ss time{seconds - day};
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", static_cast<int>(date.year()),
                       static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                       time.hours().count(), time.minutes().count(), time.seconds().count());
}

} // namespace

nlohmann::json example_order(std::chrono::system_clock::time_point now) {
    const std::string timestamp = utc_date_time(now);
    return {
        {"coId", "Acme"},
        {"coAccessId", "8732c2f065e2490babce820e94b1011a"},
        {"operation", "ACTIVATE"},
        {"orderDateTime", timestamp},
        // As soon as possible: the SP may not act before the order exists.
        {"requestedDateTime", timestamp},
        {"products", nlohmann::json::array({{{"productId", "8732c2f065e2490babce820e94b1011a"},
                                             {"offeringId", "79bd7c5132cd40ea8470f91e18484962"}}})},
        {"customerDetails",
         {
             {"identifiedCustomer", true},
             // The well-known example number of Tolvan Tolvansson: a real date, Luhn-valid.
             {"personalIdentityNumber", "19121212-1212"},
             {"customerFirstname", "Tolvan"},
             {"customerLastName", "Tolvansson"},
             {"customerPhone", "+46812345678"},
             {"customerMobilePhone", "+46701234567"},
             {"customerEmail", "tolvan.tolvansson@example.com"},
             {"invoiceDetails",
              {
                  {"streetName", "Storgatan"},
                  {"streetNumber", "12"},
                  {"streetLittera", "B"},
                  {"postalCode", "11122"},
                  {"city", "Stockholm"},
              }},
         }},
    };
}

} // namespace onorder
