/**
 * Draws a simple card-like image with a PRC ID number on it, for the OCR smoke test. The full,
 * layout-faithful specimen generator belongs to the OCR work; this only needs a real rendered
 * number in the place a card has it, marked as a specimen.
 */
export interface DrawnCard {
  canvas: HTMLCanvasElement;
  /** Where the number was drawn, in canvas pixels. */
  numberBox: { x: number; y: number; width: number; height: number };
}

export function drawIdCard(canvas: HTMLCanvasElement, idNumber: string): DrawnCard {
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2d canvas unavailable');
  const { width, height } = canvas;
  const background = ctx.createLinearGradient(0, 0, width, height);
  background.addColorStop(0, '#eef3f6');
  background.addColorStop(1, '#dfe8ee');
  ctx.fillStyle = background;
  ctx.fillRect(0, 0, width, height);
  ctx.fillStyle = '#2a3a4a';
  ctx.font = '28px "Noto Sans CJK SC", sans-serif';
  ctx.fillText('姓名  张三', 60, 90);
  ctx.fillText('性别  男    民族  汉', 60, 150);
  ctx.fillText('出生  1949 年 12 月 31 日', 60, 210);
  ctx.fillText('住址  北京市东城区', 60, 270);
  ctx.fillStyle = 'rgba(200,40,40,0.35)';
  ctx.font = 'bold 40px sans-serif';
  ctx.fillText('样本 SPECIMEN', 480, 300);
  ctx.fillStyle = '#2a3a4a';
  ctx.font = '28px "Noto Sans CJK SC", sans-serif';
  ctx.fillText('公民身份号码', 60, 455);
  // Real cards print the number in an OCR-B style face with a plain zero (a dotted-zero mono font reads as "06").
  ctx.font = '34px "DejaVu Sans", "Liberation Sans", sans-serif';
  const numberBox = { x: 280, y: 420, width: 520, height: 50 };
  ctx.fillText(idNumber, numberBox.x + 10, numberBox.y + 38);
  return { canvas, numberBox };
}
