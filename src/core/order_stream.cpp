#include <onorder/order_stream.hpp>

namespace onorder {

namespace {

void finish(CheckedOrder& order, const StreamOptions& options) {
    if (!order.document) {
        order.body.clear();
        return;
    }
    auto& document = *order.document;
    if (!options.fields.empty() && document.is_object()) {
        std::string error;
        if (!apply_fields(document, options.fields, error)) {
            order.validation.errors.push_back({"", "type", error, "", Severity::error});
            return;
        }
        order.edited = true;
    }
    if (options.fix && document.is_object()) {
        order.changes = fix_order(document, options.validation.now);
        if (!order.changes.empty())
            order.edited = true;
    }
    order.validation = validate_order(document, options.validation);
    order.body = order.edited ? document.dump() : order.original;
}

} // namespace

CheckedOrder check_document(nlohmann::json document, std::string source,
                            const StreamOptions& options) {
    CheckedOrder order;
    order.source = std::move(source);
    order.document = std::move(document);
    order.original = order.document->dump();
    order.edited = true; // built, not read: there are no original bytes to keep
    finish(order, options);
    return order;
}

bool stream_orders(const std::vector<std::string>& sources, const StreamOptions& options,
                   const StreamVisitor& visitor, const std::function<bool()>& keep_going) {
    for (const auto& source : sources) {
        auto opened = open_orders(source, options.reader);
        if (!opened.reader) {
            visitor.source_error(*opened.error);
            continue;
        }
        auto& reader = *opened.reader;
        if (visitor.source_opened)
            visitor.source_opened(source, reader.framing());
        bool any = false;
        while (auto text = reader.next()) {
            if (keep_going && !keep_going())
                return false;
            any = true;
            CheckedOrder order;
            order.source = text->source;
            order.index = text->index;
            order.line = text->line;
            order.framing = reader.framing();
            auto parsed = parse_order(*text);
            order.original = std::move(text->text);
            if (parsed.problem) {
                order.validation.errors.push_back(*parsed.problem);
            } else {
                order.document = std::move(parsed.document);
                finish(order, options);
            }
            visitor.order(order);
        }
        if (auto error = reader.error()) {
            visitor.source_error(*error);
            continue;
        }
        if (!any && reader.framing() == Framing::array) {
            CheckedOrder order;
            order.source = source;
            order.framing = Framing::array;
            order.validation.errors.push_back(
                {"", "json", source + ": the array holds no orders", "", Severity::error});
            visitor.order(order);
        }
    }
    return true;
}

} // namespace onorder
