import { BarChart, CustomChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { init, use } from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

/**
 * ECharts as the dashboard uses it, and nothing more: bars, lines, a custom series (the intervals' error
 * bars), the grid, tooltip and legend, drawn by the SVG renderer. Loaded by chart.tsx on demand, so the
 * page's tables and figures do not wait for it.
 */
use([BarChart, LineChart, CustomChart, GridComponent, TooltipComponent, LegendComponent, SVGRenderer]);

export { init };
