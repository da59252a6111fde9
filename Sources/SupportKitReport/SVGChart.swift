import Foundation
import SupportKitEval

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

    /// A histogram of `values` (milliseconds) on a log scale: bins run 1-2-5 per decade (1–2 ms, 2–5 ms, 5–10 ms,
    /// ...) from the fastest turn to the slowest, so a fast majority and a slow tail both stay readable, and
    /// dashed lines mark the median and the 95th percentile.
    static func histogram(_ values: [Double], title: String, width: Int = 560, height: Int = 220) -> String {
        guard let fastest = values.min(), let slowest = values.max() else { return "<p class=\"muted\">No measured turns.</p>" }
        let sorted = values.sorted()
        let edges = logEdges(from: max(fastest, 0.01), to: max(slowest, 0.01))
        var counts = [Int](repeating: 0, count: edges.count - 1)
        for value in sorted {
            let index = (edges.lastIndex { $0 <= value } ?? 0)
            counts[min(index, counts.count - 1)] += 1
        }
        let left = 24.0, right = 24.0, top = 24.0, bottom = 34.0
        let plotWidth = Double(width) - left - right, plotHeight = Double(height) - top - bottom
        let tallest = Double(counts.max() ?? 1)
        let barWidth = plotWidth / Double(counts.count)
        var svg = "<svg class=\"chart\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(title.htmlEscaped)\">"
        svg += "<line x1=\"\(f(left))\" x2=\"\(f(left + plotWidth))\" y1=\"\(f(top + plotHeight))\" y2=\"\(f(top + plotHeight))\" class=\"grid\"/>"
        for (index, count) in counts.enumerated() {
            let barHeight = plotHeight * Double(count) / max(tallest, 1)
            let label = ReportFormat.milliseconds(edges[index]) + "–" + ReportFormat.milliseconds(edges[index + 1])
            svg += "<rect x=\"\(f(left + barWidth * Double(index) + 1))\" y=\"\(f(top + plotHeight - barHeight))\" width=\"\(f(max(barWidth - 2, 1)))\" height=\"\(f(barHeight))\" rx=\"2\" class=\"bar\"><title>\(label): \(count) turns</title></rect>"
            if count > 0 {
                svg += "<text x=\"\(f(left + barWidth * (Double(index) + 0.5)))\" y=\"\(f(top + plotHeight - barHeight - 3))\" class=\"axis\" text-anchor=\"middle\">\(count)</text>"
            }
        }
        // Edge labels, thinned so they never overlap (about 52 px per label).
        let every = max(1, Int((52 / barWidth).rounded(.up)))
        for (index, edge) in edges.enumerated() where index % every == 0 {
            let anchor = index == 0 ? "start" : (index == edges.count - 1 ? "end" : "middle")
            svg += "<text x=\"\(f(left + barWidth * Double(index)))\" y=\"\(f(top + plotHeight + 16))\" class=\"axis\" text-anchor=\"\(anchor)\">\(axisLabel(edge))</text>"
        }
        // Percentile markers at their position on the log axis, named in one line above the plot.
        let logLow = log10(edges[0]), logSpan = log10(edges[edges.count - 1]) - logLow
        var legend: [String] = []
        for (name, percent) in [("p50", 50.0), ("p95", 95.0)] {
            guard let value = EvalMetrics.nearestRank(sorted, percent), logSpan > 0 else { continue }
            let position = (log10(max(value, edges[0])) - logLow) / logSpan
            let x = left + plotWidth * min(max(position, 0), 1)
            svg += "<line x1=\"\(f(x))\" x2=\"\(f(x))\" y1=\"\(f(top))\" y2=\"\(f(top + plotHeight))\" class=\"marker\"><title>\(name) \(ReportFormat.milliseconds(value))</title></line>"
            legend.append("\(name) \(ReportFormat.milliseconds(value))")
        }
        if !legend.isEmpty {
            svg += "<text x=\"\(f(left + plotWidth))\" y=\"\(f(top - 6))\" class=\"axis\" text-anchor=\"end\">dashed: \(legend.joined(separator: ", "))</text>"
        }
        return svg + "</svg>"
    }

    /// `0.5 ms`, `20 ms`, `2 s`: short enough for an axis.
    static func axisLabel(_ milliseconds: Double) -> String {
        if milliseconds >= 1000 { return ReportFormat.fixed(milliseconds / 1000, digits: milliseconds < 10_000 && milliseconds.truncatingRemainder(dividingBy: 1000) != 0 ? 1 : 0) + " s" }
        return ReportFormat.fixed(milliseconds, digits: milliseconds < 1 ? (milliseconds < 0.1 ? 2 : 1) : 0) + " ms"
    }

    /// 1-2-5 edges per decade from the largest one at or below `low` to the smallest one above `high`.
    static func logEdges(from low: Double, to high: Double) -> [Double] {
        var edges: [Double] = []
        var decade = pow(10, (log10(low)).rounded(.down))
        while edges.count < 64 {
            for multiple in [1.0, 2, 5] {
                let edge = multiple * decade
                if edge <= low { edges = [edge]; continue }
                edges.append(edge)
                if edge > high { return edges }
            }
            decade *= 10
        }
        return edges
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }
}
