import Foundation

/// Small, dependency-free SVG charts for the HTML report.
enum SVGChart {
    struct Series {
        var name: String
        var color: String
        /// y values in [0, 1]; nil leaves a gap.
        var values: [Double?]
        /// Indices drawn hollow (e.g. runs on another suite).
        var hollow: Set<Int> = []
    }

    /// A line chart of rates in [0, 1] with one x position per label.
    static func lines(_ series: [Series], xLabels: [String], title: String, width: Int = 560, height: Int = 260) -> String {
        let left = 44.0, right = 40.0, top = 16.0, bottom = 40.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let count = max(xLabels.count, 1)
        // Zoom in on the data (in steps of 10 points) so that small changes stay visible.
        let smallest = series.flatMap { $0.values.compactMap { $0 } }.min() ?? 0
        let floor = max(0, ((smallest - 0.05) * 10).rounded(.down) / 10)
        func x(_ index: Int) -> Double { count == 1 ? left + plotWidth / 2 : left + plotWidth * Double(index) / Double(count - 1) }
        func y(_ value: Double) -> Double { top + plotHeight * (1 - (min(max(value, floor), 1) - floor) / (1 - floor)) }
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(title.htmlEscaped)\">"
        for tick in stride(from: floor, through: 1.0001, by: (1 - floor) / 4) {
            svg += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(y(tick)))\" y2=\"\(f(y(tick)))\" class=\"grid\"/>"
            svg += "<text x=\"\(f(left - 6))\" y=\"\(f(y(tick) + 4))\" class=\"axis\" text-anchor=\"end\">\(Int((tick * 100).rounded()))%</text>"
        }
        let labelEvery = max(1, xLabels.count / 10)
        for (index, label) in xLabels.enumerated() where index % labelEvery == 0 || index == xLabels.count - 1 {
            let anchor = count > 1 && index == 0 ? "start" : (count > 1 && index == count - 1 ? "end" : "middle")
            svg += "<text x=\"\(f(x(index)))\" y=\"\(f(top + plotHeight + 18))\" class=\"axis\" text-anchor=\"\(anchor)\">\(label.htmlEscaped)</text>"
        }
        for serie in series {
            var path = ""
            var pen = false
            for (index, value) in serie.values.enumerated() {
                guard let value else { pen = false; continue }
                path += (pen ? "L" : "M") + "\(f(x(index))),\(f(y(value)))"
                pen = true
            }
            if !path.isEmpty {
                svg += "<path d=\"\(path)\" fill=\"none\" stroke=\"\(serie.color)\" stroke-width=\"2.2\" stroke-linejoin=\"round\"/>"
            }
            for (index, value) in serie.values.enumerated() {
                guard let value else { continue }
                let fill = serie.hollow.contains(index) ? "#fff" : serie.color
                svg += "<circle cx=\"\(f(x(index)))\" cy=\"\(f(y(value)))\" r=\"3.5\" fill=\"\(fill)\" stroke=\"\(serie.color)\" stroke-width=\"1.5\">"
                svg += "<title>\(serie.name.htmlEscaped) \(xLabels.indices.contains(index) ? xLabels[index].htmlEscaped : ""): \(String(format: "%.1f%%", value * 100))</title></circle>"
            }
        }
        var legendX = left
        for serie in series {
            svg += "<rect x=\"\(f(legendX))\" y=\"\(f(Double(height) - 12))\" width=\"10\" height=\"10\" rx=\"2\" fill=\"\(serie.color)\"/>"
            svg += "<text x=\"\(f(legendX + 14))\" y=\"\(f(Double(height) - 3))\" class=\"legend\">\(serie.name.htmlEscaped)</text>"
            legendX += 24 + Double(serie.name.count) * 7
        }
        return svg + "</svg>"
    }

    /// A histogram of `values` (milliseconds) with `bins` equal-width bins up to the 99th percentile;
    /// slower values are gathered in a last overflow bar so one outlier cannot flatten the chart.
    static func histogram(_ values: [Double], bins: Int = 24, title: String, width: Int = 560, height: Int = 220) -> String {
        guard !values.isEmpty else { return "<p class=\"muted\">No measured turns.</p>" }
        let sorted = values.sorted()
        let cap = max(sorted[min(sorted.count - 1, Int(Double(sorted.count) * 0.99))], sorted[0] + 1e-9)
        let low = 0.0
        let step = (cap - low) / Double(bins)
        var counts = [Int](repeating: 0, count: bins + 1)
        for value in sorted {
            let index = value > cap ? bins : min(bins - 1, Int((value - low) / step))
            counts[index] += 1
        }
        if counts[bins] == 0 { counts.removeLast() }
        let left = 40.0, right = 10.0, top = 12.0, bottom = 34.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let tallest = Double(counts.max() ?? 1)
        let barWidth = plotWidth / Double(counts.count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(title.htmlEscaped)\">"
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\" class=\"grid\"/>"
        svg += "<text x=\"\(f(left - 6))\" y=\"\(f(top + 8))\" class=\"axis\" text-anchor=\"end\">\(Int(tallest))</text>"
        for (index, count) in counts.enumerated() {
            let barHeight = plotHeight * Double(count) / max(tallest, 1)
            let overflow = index == bins
            let from = low + step * Double(index), to = from + step
            let label = overflow ? "> " + ReportFormat.milliseconds(cap) : ReportFormat.milliseconds(from) + "–" + ReportFormat.milliseconds(to)
            svg += "<rect x=\"\(f(left + barWidth * Double(index) + 1))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(max(barWidth - 2, 1)))\" height=\"\(f(barHeight))\" rx=\"2\" class=\"\(overflow ? "bar overflow" : "bar")\"><title>\(label): \(count) turns</title></rect>"
        }
        for tick in [0, counts.count / 2, counts.count] {
            let value = low + step * Double(tick)
            let anchor = tick == 0 ? "start" : (tick == counts.count ? "end" : "middle")
            svg += "<text x=\"\(f(left + barWidth * Double(tick)))\" y=\"\(f(top + plotHeight + 16))\" class=\"axis\" text-anchor=\"\(anchor)\">\(ReportFormat.milliseconds(value))</text>"
        }
        return svg + "</svg>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
