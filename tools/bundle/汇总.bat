@echo off
chcp 936 >nul
setlocal
cd /d "%~dp0"
title 汇总 @TITLE@
rem 由 tools/make_bundle.py 生成：GBK 编码、Windows 换行（cmd.exe 按代码页 936 读中文）。
set "PYTHONPATH="
set "PYTHONHOME="
set "PY=%~dp0venv\Scripts\python.exe"
if not exist "%PY%" goto notinstalled
set "CONFIG=config.toml"
if exist "检查活动设置.xlsx" set "CONFIG=检查活动设置.xlsx"
if not exist "input" mkdir "input"
echo 汇总：读取 input 文件夹（含子文件夹和 .zip 压缩包）中报回的全部表格，
echo 按“%CONFIG%”逐格校验、重新算分、排名，写出 output 文件夹中的排名汇总表……
echo.
"%PY%" process.py run --config "%CONFIG%"
set "CODE=%errorlevel%"
if "%CODE%"=="0" goto complete
if "%CODE%"=="1" goto partial
goto failed

:complete
echo.
echo ================ 汇总完成：应报的表格已全部收到并通过校验 ================
echo 已为你打开 output 文件夹：“排名汇总_……xlsx”就是通报用的排名汇总表。
start "" "%~dp0output"
goto end

:partial
echo.
echo ================ 汇总完成，但还有表格未收到或未通过校验 ================
echo 已为你打开 output 文件夹：排名汇总表已生成，其中“校验报告”写明每个问题和改法，
echo “催报清单”列出缺哪些表格；“催报消息_……txt”可直接转发。改好重报的表格放进 input 后，再双击本文件。
start "" "%~dp0output"
goto end

:notinstalled
echo 还没有安装：请先双击“安装.bat”，看到“安装成功”后再双击本文件。
goto end

:failed
echo.
echo ======================== 汇总失败 ========================
echo 原因见上面以“无法运行”或“程序出错”开头的一行，按它说的改好后再双击本文件。
echo 汇总表正在 Excel 或 WPS 中打开时无法更新：请先关闭它。上次的汇总表原样保留。
echo 提示“程序出错”时，请把 output 文件夹里的“错误记录_……txt”发给维护人员。

:end
echo.
pause
